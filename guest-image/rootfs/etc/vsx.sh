# vslab console protocol, the guest's end (the host's end: harness/console/protocol.ts and
# shell.ts). The console shell reads this file through $ENV, so these are shell functions: a
# command costs one fork (its subshell) instead of a script's fork and exec.
#
#   vsx NONCE 'TEXT'   run TEXT (printf %b escapes) in a subshell, stdin from /dev/null
#   vsx NONCE @FILE    run the commands in FILE (uploaded with vsxr)
#   vsx -r NONCE       print the answer to the last command again
#   vsxr NONCE PATH SIZE   receive a file: base64 lines, acknowledged every 32, ended by "."
#
# The harness turns the console's echo off first (stty -echo): busybox's line editor then reads
# plain lines, so nothing typed is echoed back and no cursor-position query is sent.
#
# An answer is VSLAB{NONCE:out:LEN} and base64 of stdout (only if there is any), likewise err,
# then VSLAB{NONCE:end:STATUS:OUTLEN:ERRLEN}; the marker word never occurs in what the host types.
VSX_DIR=/run/vsx

vsx_section() {
	printf '\nVSLAB{%s:%s:%d}\n' "$1" "$2" "$3"
	base64 "$4"
}

vsx_frame() {
	local rc o=0 e=0
	read -r rc <$VSX_DIR/rc
	[ -s $VSX_DIR/out ] && o=$(wc -c <$VSX_DIR/out) && vsx_section "$1" out $o $VSX_DIR/out
	[ -s $VSX_DIR/err ] && e=$(wc -c <$VSX_DIR/err) && vsx_section "$1" err $e $VSX_DIR/err
	printf '\nVSLAB{%s:end:%s:%d:%d}\n' "$1" "$rc" $o $e
}

vsx() {
	[ -d $VSX_DIR ] || mkdir -p $VSX_DIR
	if [ "$1" = -r ]; then
		vsx_frame "$2"
		return 0
	fi
	case $2 in
	@*) mv -f "${2#@}" $VSX_DIR/cmd ;;
	*) printf '%b' "$2" >$VSX_DIR/cmd ;;
	esac
	(. $VSX_DIR/cmd) </dev/null >$VSX_DIR/out 2>$VSX_DIR/err
	echo $? >$VSX_DIR/rc
	vsx_frame "$1"
}

vsxr() {
	local i=0 l rc=0 tmp="$2.vsxr"
	printf '\nVSLAB{%s:ready:0}\n' "$1"
	while IFS= read -r l; do
		[ "$l" = . ] && break
		printf '%s\n' "$l" >&3
		i=$((i + 1))
		[ $((i % 32)) -eq 0 ] && printf 'VSLAB{%s:ack:%d}\n' "$1" $i
	done 3>"$tmp"
	base64 -d "$tmp" >"$2" 2>/dev/null || rc=1
	rm -f "$tmp"
	[ $rc = 0 ] && [ "$(wc -c <"$2")" = "$3" ] || rc=1
	printf '\nVSLAB{%s:end:%d}\n' "$1" $rc
}
