/** File tagging (§04.5), context flags and capabilities (§05.0, §05.1). */
import {
  tool,
  CTX_CREATE,
  PROC_VIRTUAL_CTX,
  UTSNAME_CCAP,
  NET_CREATE,
  TEST_ADDRESSES,
  RAW_ICMP_CCAP,
  RAW_ICMP_NCAP,
  flagsOf,
  keepAlive,
  TAGGING,
  lsxidOf,
  inGuest,
  failsWith,
  failsWithOutput,
  printsExactly,
  printsMatching,
  succeedsPrinting,
} from './common.ts';
import { defineExample, type Example } from '../types.ts';

export const TAGGING_FLAGS: readonly Example[] = [
  defineExample({
    id: 'E31',
    title: 'Context file tagging',
    section: '04.5',
    demonstrates: "On a tag-mounted filesystem a file created in guest X shows xid X in lsxid; chxid retags it; an untagged file modified from X becomes X's.",
    requires: [tool('lsxid'), tool('chxid'), CTX_CREATE, TAGGING],
    steps: [
      {
        name: 'mount-tagged',
        command: 'mkdir -p /tmp/e31 && mount -t tmpfs -o tag tmpfs /tmp/e31 && grep " /tmp/e31 " /proc/mounts',
        note: 'a tmpfs mounted with tag',
      },
      {
        name: 'host-files',
        command: 'echo host >/tmp/e31/untagged && chmod 666 /tmp/e31/untagged && echo host >/tmp/e31/hostfile && lsxid /tmp/e31',
        note: 'files the host made',
      },
      { name: 'guest-creates', command: inGuest(3101, 'echo guest >/tmp/e31/mine; mkdir /tmp/e31/mydir'), note: 'guest 3101 creates a file and a directory' },
      { name: 'guest-tags', command: 'lsxid -d /tmp/e31/mine /tmp/e31/mydir', note: 'their tags' },
      { name: 'chxid', command: 'chxid -c 3102 /tmp/e31/mine && lsxid /tmp/e31/mine', note: 'retag with chxid' },
      {
        name: 'guest-appends-untagged',
        command: `${inGuest(3101, 'echo more >>/tmp/e31/untagged')} && lsxid /tmp/e31/untagged /tmp/e31/hostfile`,
        note: 'guest 3101 appends to an untagged file',
      },
    ],
    invariants: [
      { says: 'the mount shows the tag option', check: printsMatching('mount-tagged', /[ ,]tag[, ]/) },
      {
        says: "the host's files are untagged (0)",
        check: (step) => {
          const r = step('host-files');
          return (lsxidOf(r.stdout, '/tmp/e31/untagged') === 0 && lsxidOf(r.stdout, '/tmp/e31/hostfile') === 0) || r.stdout + r.stderr;
        },
      },
      {
        says: "the guest's file and directory carry xid 3101",
        check: (step) => {
          const r = step('guest-tags');
          return (lsxidOf(r.stdout, '/tmp/e31/mine') === 3101 && lsxidOf(r.stdout, '/tmp/e31/mydir') === 3101) || r.stdout + r.stderr;
        },
      },
      {
        says: 'chxid -c 3102 retags it',
        check: (step) => {
          const r = step('chxid');
          return lsxidOf(r.stdout, '/tmp/e31/mine') === 3102 || r.stdout + r.stderr;
        },
      },
      {
        says: "the untagged file written by 3101 is now 3101's; the untouched one stays 0",
        check: (step) => {
          const r = step('guest-appends-untagged');
          return (lsxidOf(r.stdout, '/tmp/e31/untagged') === 3101 && lsxidOf(r.stdout, '/tmp/e31/hostfile') === 0) || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'umount /tmp/e31; rmdir /tmp/e31',
  }),
  defineExample({
    id: 'E32',
    title: 'XID file permissions',
    section: '04.5',
    demonstrates:
      'A file tagged X is unreadable and unwritable from guest Y (EACCES), readable from X, the host and the spectator; without tag every context can access it.',
    requires: [tool('lsxid'), CTX_CREATE, TAGGING],
    steps: [
      {
        name: 'guest-makes-file',
        command: `mkdir -p /tmp/e32 && mount -t tmpfs -o tag tmpfs /tmp/e32 && ${inGuest(3201, 'echo secret >/tmp/e32/f; chmod 666 /tmp/e32/f')} && ls -l /tmp/e32/f && lsxid /tmp/e32/f`,
        note: 'guest 3201 makes a world-writable file on a tagged tmpfs',
      },
      { name: 'other-guest-reads', command: inGuest(3202, 'cat /tmp/e32/f'), note: 'guest 3202 reads it' },
      { name: 'other-guest-writes', command: inGuest(3202, 'echo x >>/tmp/e32/f'), note: 'guest 3202 writes it' },
      { name: 'owner-reads', command: inGuest(3201, 'cat /tmp/e32/f'), note: 'its owner 3201 reads it' },
      { name: 'host-and-spectator-read', command: 'cat /tmp/e32/f && vcontext --migrate --xid 1 -- cat /tmp/e32/f', note: 'the host, then the spectator' },
      {
        name: 'notag-other-guest-reads',
        command: 'mount -o remount,notag /tmp/e32 && grep " /tmp/e32 " /proc/mounts && ' + inGuest(3202, 'cat /tmp/e32/f'),
        note: 'remounted without tag: guest 3202 again',
      },
      { name: 'remount-tag', command: 'mount -o remount,tag /tmp/e32', note: 'adding tag back by remount' },
    ],
    invariants: [
      {
        says: "the file is 3201's and mode 0666 (so only the tag can refuse)",
        check: (step) => {
          const r = step('guest-makes-file');
          return (/^-rw-rw-rw-/m.test(r.stdout) && lsxidOf(r.stdout, '/tmp/e32/f') === 3201) || r.stdout + r.stderr;
        },
      },
      { says: 'guest 3202 cannot read it (EACCES)', check: failsWithOutput('other-guest-reads', /Permission denied/) },
      { says: 'guest 3202 cannot write it (EACCES)', check: failsWith('other-guest-writes', /Permission denied/) },
      { says: 'guest 3201 reads it', check: printsExactly('owner-reads', 'secret\n') },
      { says: 'the host and the spectator read it', check: printsExactly('host-and-spectator-read', 'secret\nsecret\n') },
      {
        says: 'without tag guest 3202 reads it',
        check: (step) => {
          const r = step('notag-other-guest-reads');
          return (!/[ ,]tag[, ]/.test(r.stdout) && /^secret$/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
      { says: 'tag cannot be added by remount', check: (step) => step('remount-tag').exitCode !== 0 || step('remount-tag').stdout },
    ],
    cleanup: 'umount /tmp/e32; rmdir /tmp/e32',
  }),
  defineExample({
    id: 'E33',
    title: 'Context flags',
    section: '05.0',
    demonstrates: 'vattribute --set --flag changes Flags: in /proc/virtual/<xid>/status and the behaviour the flag names; a one-time flag cannot be set again.',
    requires: [tool('vattribute'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { name: 'guest', command: keepAlive('vcontext --create --silent --endsetup --xid 3301', '/tmp/e33.pid'), note: 'guest 3301, past its setup phase' },
      { name: 'flags-before', command: 'grep Flags: /proc/virtual/3301/status; vattribute --xid 3301 --get', note: 'its flags before' },
      { name: 'enter-before', command: 'vcontext --migrate --xid 3301 -- true', note: 'the host may still enter it' },
      {
        name: 'set-private',
        command: 'vattribute --xid 3301 --set --flag private && grep Flags: /proc/virtual/3301/status && vattribute --xid 3301 --get',
        note: 'set INFO_PRIVATE (bit 3)',
      },
      { name: 'enter-private', command: 'vcontext --migrate --xid 3301 -- true', note: 'entering a private context' },
      {
        name: 'clear-private',
        command: 'vattribute --xid 3301 --set --flag ~private && vcontext --migrate --xid 3301 -- true && echo entered',
        note: 'clear it again: entering works',
      },
      {
        name: 'set-state-setup',
        command: 'vattribute --xid 3301 --set --flag state_setup; grep Flags: /proc/virtual/3301/status',
        note: 'try to set the one-time flag STATE_SETUP again',
      },
    ],
    invariants: [
      {
        says: 'before: neither private nor state_setup is set',
        check: (step) => {
          const out = step('flags-before').stdout;
          const f = flagsOf(out);
          return (f !== undefined && (f & 0x8n) === 0n && (f & (1n << 32n)) === 0n) || out;
        },
      },
      { says: 'vattribute --get prints the flags line', check: (step) => /^flags: \S+$/m.test(step('flags-before').stdout) || step('flags-before').stdout },
      { says: 'entering the context works before', check: (step) => step('enter-before').exitCode === 0 || step('enter-before').stderr },
      {
        says: '--flag private sets bit 3 in Flags: and vattribute lists it',
        check: (step) => {
          const r = step('set-private');
          const f = flagsOf(r.stdout);
          return (f !== undefined && (f & 0x8n) === 0x8n && /^flags: .*\bprivate\b/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
      { says: 'a private context past setup cannot be entered (EACCES)', check: failsWith('enter-private', /Permission denied/) },
      { says: 'after clearing private it can be entered again', check: printsMatching('clear-private', /entered/) },
      {
        says: 'the one-time flag STATE_SETUP stays cleared',
        check: (step) => {
          const r = step('set-state-setup');
          const f = flagsOf(r.stdout);
          return (f !== undefined && (f & (1n << 32n)) === 0n) || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'vkill --xid 3301; rm -f /tmp/e33.pid',
  }),
  defineExample({
    id: 'E34',
    title: 'Context capabilities',
    section: '05.1',
    demonstrates:
      'Without SET_UTSNAME hostname fails in the guest; with it, it changes only the guest name; RAW_ICMP makes ping to loopback work without CAP_NET_RAW, as the ccap util-vserver sets and as the network capability.',
    requires: [tool('vattribute'), tool('chbind'), tool('nattribute'), CTX_CREATE, UTSNAME_CCAP, RAW_ICMP_CCAP, TEST_ADDRESSES, NET_CREATE, RAW_ICMP_NCAP],
    steps: [
      {
        name: 'guest-3401',
        command: keepAlive('vcontext --create --silent --endsetup --xid 3401', '/tmp/e34.pid'),
        note: 'guest 3401 (full capability bound, no ccaps)',
      },
      { name: 'hostname-without-ccap', command: 'vcontext --migrate --xid 3401 -- hostname e34-guest', note: 'without SET_UTSNAME' },
      { name: 'grant-set-utsname', command: 'vattribute --xid 3401 --set --ccap set_utsname && vattribute --xid 3401 --get', note: 'grant SET_UTSNAME' },
      { name: 'hostname-with-ccap', command: "vcontext --migrate --xid 3401 -- sh -c 'hostname e34-guest && hostname'", note: 'with it' },
      { name: 'host-and-guest-names', command: 'hostname; vuname --xid 3401 nodename', note: "the host's name, and the guest's as the host sees it" },
      {
        name: 'guest-3402-without-net-raw',
        command:
          'ip link set lo up; ' +
          keepAlive('vcontext --create --silent --endsetup --xid 3402', '/tmp/e34-b.pid') +
          ' && vattribute --xid 3402 --set --bcap ~CAP_NET_RAW',
        note: 'guest 3402 without CAP_NET_RAW',
      },
      { name: 'ping-without-raw-icmp', command: 'vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping without RAW_ICMP' },
      {
        name: 'ping-with-raw-icmp',
        command: 'vattribute --xid 3402 --set --ccap raw_icmp && vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1',
        note: 'ping with RAW_ICMP',
      },
      {
        name: 'network-context',
        command:
          "chbind --silent --nid 3403 --ip 10.42.0.1 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee /tmp/e34-n.pid && grep NCaps: /proc/virtnet/3403/status",
        note: 'a network context (nid 3403, address 10.42.0.1) and its network capabilities',
      },
      {
        name: 'ping-without-ncap',
        command: "ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1",
        note: 'ping without CAP_NET_RAW in it',
      },
      {
        name: 'ping-with-ncap',
        command:
          "nattribute --nid 3403 --set --ncap raw_icmp --flag lback_allow && ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1",
        note: "the same with the network capability raw_icmp (and lback_allow: a network context reaches the host's loopback only with it)",
      },
    ],
    invariants: [
      { says: 'without SET_UTSNAME hostname fails with EPERM', check: failsWith('hostname-without-ccap', /not permitted/) },
      { says: 'vattribute --get lists set_utsname', check: printsMatching('grant-set-utsname', /^ccapabilities: .*\bset_utsname\b/m) },
      {
        says: 'with SET_UTSNAME the guest renames itself',
        check: (step) => {
          const r = step('hostname-with-ccap');
          return (r.exitCode === 0 && r.stdout.trim() === 'e34-guest') || r.stdout + r.stderr;
        },
      },
      { says: "the host's name is unchanged and the guest's is the new one", check: printsExactly('host-and-guest-names', 'vslab\ne34-guest\n') },
      {
        says: 'without CAP_NET_RAW and RAW_ICMP ping fails',
        check: (step) => step('ping-without-raw-icmp').exitCode !== 0 || step('ping-without-raw-icmp').stdout,
      },
      { says: 'with RAW_ICMP ping to loopback works', check: succeedsPrinting('ping-with-raw-icmp', /1 packets received/) },
      { says: 'a new network context has no network capabilities', check: printsMatching('network-context', /^NCaps:\s+0+$/m) },
      { says: 'in it, without CAP_NET_RAW and raw_icmp, ping is refused', check: failsWithOutput('ping-without-ncap', /permission denied|not permitted/i) },
      { says: 'with the raw_icmp network capability ping to loopback works', check: succeedsPrinting('ping-with-ncap', /1 packets received/) },
    ],
    cleanup: 'vkill --xid 3401; vkill --xid 3402; kill $(cat /tmp/e34-n.pid); rm -f /tmp/e34*.pid',
  }),
];
