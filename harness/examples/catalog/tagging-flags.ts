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
  printsExactly,
  printsMatching,
} from './common.ts';
import { type Example, stepOf } from '../types.ts';

export const TAGGING_FLAGS: readonly Example[] = [
  {
    id: 'E31',
    title: 'Context file tagging',
    section: '04.5',
    demonstrates: "On a tag-mounted filesystem a file created in guest X shows xid X in lsxid; chxid retags it; an untagged file modified from X becomes X's.",
    requires: [tool('lsxid'), tool('chxid'), CTX_CREATE, TAGGING],
    steps: [
      { command: 'mkdir -p /tmp/e31 && mount -t tmpfs -o tag tmpfs /tmp/e31 && grep " /tmp/e31 " /proc/mounts', note: 'a tmpfs mounted with tag' },
      { command: 'echo host >/tmp/e31/untagged && chmod 666 /tmp/e31/untagged && echo host >/tmp/e31/hostfile && lsxid /tmp/e31', note: 'files the host made' },
      { command: inGuest(3101, 'echo guest >/tmp/e31/mine; mkdir /tmp/e31/mydir'), note: 'guest 3101 creates a file and a directory' },
      { command: 'lsxid -d /tmp/e31/mine /tmp/e31/mydir', note: 'their tags' },
      { command: 'chxid -c 3102 /tmp/e31/mine && lsxid /tmp/e31/mine', note: 'retag with chxid' },
      {
        command: `${inGuest(3101, 'echo more >>/tmp/e31/untagged')} && lsxid /tmp/e31/untagged /tmp/e31/hostfile`,
        note: 'guest 3101 appends to an untagged file',
      },
    ],
    invariants: [
      { says: 'the mount shows the tag option', check: printsMatching(0, /[ ,]tag[, ]/) },
      {
        says: "the host's files are untagged (0)",
        check: (s) =>
          (lsxidOf(stepOf(s, 1).stdout, '/tmp/e31/untagged') === 0 && lsxidOf(stepOf(s, 1).stdout, '/tmp/e31/hostfile') === 0) ||
          stepOf(s, 1).stdout + stepOf(s, 1).stderr,
      },
      {
        says: "the guest's file and directory carry xid 3101",
        check: (s) =>
          (lsxidOf(stepOf(s, 3).stdout, '/tmp/e31/mine') === 3101 && lsxidOf(stepOf(s, 3).stdout, '/tmp/e31/mydir') === 3101) ||
          stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      { says: 'chxid -c 3102 retags it', check: (s) => lsxidOf(stepOf(s, 4).stdout, '/tmp/e31/mine') === 3102 || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      {
        says: "the untagged file written by 3101 is now 3101's; the untouched one stays 0",
        check: (s) =>
          (lsxidOf(stepOf(s, 5).stdout, '/tmp/e31/untagged') === 3101 && lsxidOf(stepOf(s, 5).stdout, '/tmp/e31/hostfile') === 0) ||
          stepOf(s, 5).stdout + stepOf(s, 5).stderr,
      },
    ],
    cleanup: 'umount /tmp/e31; rmdir /tmp/e31',
  },
  {
    id: 'E32',
    title: 'XID file permissions',
    section: '04.5',
    demonstrates:
      'A file tagged X is unreadable and unwritable from guest Y (EACCES), readable from X, the host and the spectator; without tag every context can access it.',
    requires: [tool('lsxid'), CTX_CREATE, TAGGING],
    steps: [
      {
        command: `mkdir -p /tmp/e32 && mount -t tmpfs -o tag tmpfs /tmp/e32 && ${inGuest(3201, 'echo secret >/tmp/e32/f; chmod 666 /tmp/e32/f')} && ls -l /tmp/e32/f && lsxid /tmp/e32/f`,
        note: 'guest 3201 makes a world-writable file on a tagged tmpfs',
      },
      { command: inGuest(3202, 'cat /tmp/e32/f'), note: 'guest 3202 reads it' },
      { command: inGuest(3202, 'echo x >>/tmp/e32/f'), note: 'guest 3202 writes it' },
      { command: inGuest(3201, 'cat /tmp/e32/f'), note: 'its owner 3201 reads it' },
      { command: 'cat /tmp/e32/f && vcontext --migrate --xid 1 -- cat /tmp/e32/f', note: 'the host, then the spectator' },
      {
        command: 'mount -o remount,notag /tmp/e32 && grep " /tmp/e32 " /proc/mounts && ' + inGuest(3202, 'cat /tmp/e32/f'),
        note: 'remounted without tag: guest 3202 again',
      },
      { command: 'mount -o remount,tag /tmp/e32', note: 'adding tag back by remount' },
    ],
    invariants: [
      {
        says: "the file is 3201's and mode 0666 (so only the tag can refuse)",
        check: (s) =>
          (/^-rw-rw-rw-/m.test(stepOf(s, 0).stdout) && lsxidOf(stepOf(s, 0).stdout, '/tmp/e32/f') === 3201) || stepOf(s, 0).stdout + stepOf(s, 0).stderr,
      },
      {
        says: 'guest 3202 cannot read it (EACCES)',
        check: (s) =>
          (stepOf(s, 1).exitCode !== 0 && /Permission denied/.test(stepOf(s, 1).stderr)) ||
          `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stdout}${stepOf(s, 1).stderr}`,
      },
      { says: 'guest 3202 cannot write it (EACCES)', check: failsWith(2, /Permission denied/) },
      { says: 'guest 3201 reads it', check: printsExactly(3, 'secret\n') },
      { says: 'the host and the spectator read it', check: printsExactly(4, 'secret\nsecret\n') },
      {
        says: 'without tag guest 3202 reads it',
        check: (s) => (!/[ ,]tag[, ]/.test(stepOf(s, 5).stdout) && /^secret$/m.test(stepOf(s, 5).stdout)) || stepOf(s, 5).stdout + stepOf(s, 5).stderr,
      },
      { says: 'tag cannot be added by remount', check: (s) => stepOf(s, 6).exitCode !== 0 || stepOf(s, 6).stdout },
    ],
    cleanup: 'umount /tmp/e32; rmdir /tmp/e32',
  },
  {
    id: 'E33',
    title: 'Context flags',
    section: '05.0',
    demonstrates: 'vattribute --set --flag changes Flags: in /proc/virtual/<xid>/status and the behaviour the flag names; a one-time flag cannot be set again.',
    requires: [tool('vattribute'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 3301', '/tmp/e33.pid'), note: 'guest 3301, past its setup phase' },
      { command: 'grep Flags: /proc/virtual/3301/status; vattribute --xid 3301 --get', note: 'its flags before' },
      { command: 'vcontext --migrate --xid 3301 -- true', note: 'the host may still enter it' },
      {
        command: 'vattribute --xid 3301 --set --flag private && grep Flags: /proc/virtual/3301/status && vattribute --xid 3301 --get',
        note: 'set INFO_PRIVATE (bit 3)',
      },
      { command: 'vcontext --migrate --xid 3301 -- true', note: 'entering a private context' },
      {
        command: 'vattribute --xid 3301 --set --flag ~private && vcontext --migrate --xid 3301 -- true && echo entered',
        note: 'clear it again: entering works',
      },
      {
        command: 'vattribute --xid 3301 --set --flag state_setup; grep Flags: /proc/virtual/3301/status',
        note: 'try to set the one-time flag STATE_SETUP again',
      },
    ],
    invariants: [
      {
        says: 'before: neither private nor state_setup is set',
        check: (s) => {
          const f = flagsOf(stepOf(s, 1).stdout);
          return (f !== undefined && (f & 0x8n) === 0n && (f & (1n << 32n)) === 0n) || stepOf(s, 1).stdout;
        },
      },
      { says: 'vattribute --get prints the flags line', check: (s) => /^flags: \S+$/m.test(stepOf(s, 1).stdout) || stepOf(s, 1).stdout },
      { says: 'entering the context works before', check: (s) => stepOf(s, 2).exitCode === 0 || stepOf(s, 2).stderr },
      {
        says: '--flag private sets bit 3 in Flags: and vattribute lists it',
        check: (s) => {
          const f = flagsOf(stepOf(s, 3).stdout);
          return (f !== undefined && (f & 0x8n) === 0x8n && /^flags: .*\bprivate\b/m.test(stepOf(s, 3).stdout)) || stepOf(s, 3).stdout + stepOf(s, 3).stderr;
        },
      },
      { says: 'a private context past setup cannot be entered (EACCES)', check: failsWith(4, /Permission denied/) },
      { says: 'after clearing private it can be entered again', check: printsMatching(5, /entered/) },
      {
        says: 'the one-time flag STATE_SETUP stays cleared',
        check: (s) => {
          const f = flagsOf(stepOf(s, 6).stdout);
          return (f !== undefined && (f & (1n << 32n)) === 0n) || stepOf(s, 6).stdout + stepOf(s, 6).stderr;
        },
      },
    ],
    cleanup: 'vkill --xid 3301; rm -f /tmp/e33.pid',
  },
  {
    id: 'E34',
    title: 'Context capabilities',
    section: '05.1',
    demonstrates:
      'Without SET_UTSNAME hostname fails in the guest; with it, it changes only the guest name; RAW_ICMP makes ping to loopback work without CAP_NET_RAW, as the ccap util-vserver sets and as the network capability.',
    requires: [tool('vattribute'), tool('chbind'), tool('nattribute'), CTX_CREATE, UTSNAME_CCAP, RAW_ICMP_CCAP, TEST_ADDRESSES, NET_CREATE, RAW_ICMP_NCAP],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 3401', '/tmp/e34.pid'), note: 'guest 3401 (full capability bound, no ccaps)' },
      { command: 'vcontext --migrate --xid 3401 -- hostname e34-guest', note: 'without SET_UTSNAME' },
      { command: 'vattribute --xid 3401 --set --ccap set_utsname && vattribute --xid 3401 --get', note: 'grant SET_UTSNAME' },
      { command: "vcontext --migrate --xid 3401 -- sh -c 'hostname e34-guest && hostname'", note: 'with it' },
      { command: 'hostname; vuname --xid 3401 nodename', note: "the host's name, and the guest's as the host sees it" },
      {
        command:
          'ip link set lo up; ' +
          keepAlive('vcontext --create --silent --endsetup --xid 3402', '/tmp/e34-b.pid') +
          ' && vattribute --xid 3402 --set --bcap ~CAP_NET_RAW',
        note: 'guest 3402 without CAP_NET_RAW',
      },
      { command: 'vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping without RAW_ICMP' },
      { command: 'vattribute --xid 3402 --set --ccap raw_icmp && vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping with RAW_ICMP' },
      {
        command:
          "chbind --silent --nid 3403 --ip 10.42.0.1 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee /tmp/e34-n.pid && grep NCaps: /proc/virtnet/3403/status",
        note: 'a network context (nid 3403, address 10.42.0.1) and its network capabilities',
      },
      { command: "ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1", note: 'ping without CAP_NET_RAW in it' },
      {
        command:
          "nattribute --nid 3403 --set --ncap raw_icmp --flag lback_allow && ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1",
        note: "the same with the network capability raw_icmp (and lback_allow: a network context reaches the host's loopback only with it)",
      },
    ],
    invariants: [
      { says: 'without SET_UTSNAME hostname fails with EPERM', check: failsWith(1, /not permitted/) },
      { says: 'vattribute --get lists set_utsname', check: printsMatching(2, /^ccapabilities: .*\bset_utsname\b/m) },
      {
        says: 'with SET_UTSNAME the guest renames itself',
        check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout.trim() === 'e34-guest') || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      { says: "the host's name is unchanged and the guest's is the new one", check: printsExactly(4, 'vslab\ne34-guest\n') },
      { says: 'without CAP_NET_RAW and RAW_ICMP ping fails', check: (s) => stepOf(s, 6).exitCode !== 0 || stepOf(s, 6).stdout },
      {
        says: 'with RAW_ICMP ping to loopback works',
        check: (s) => (stepOf(s, 7).exitCode === 0 && /1 packets received/.test(stepOf(s, 7).stdout)) || stepOf(s, 7).stdout + stepOf(s, 7).stderr,
      },
      { says: 'a new network context has no network capabilities', check: printsMatching(8, /^NCaps:\s+0+$/m) },
      {
        says: 'in it, without CAP_NET_RAW and raw_icmp, ping is refused',
        check: (s) =>
          (stepOf(s, 9).exitCode !== 0 && /permission denied|not permitted/i.test(stepOf(s, 9).stderr)) ||
          `exit ${stepOf(s, 9).exitCode}: ${stepOf(s, 9).stdout}${stepOf(s, 9).stderr}`,
      },
      {
        says: 'with the raw_icmp network capability ping to loopback works',
        check: (s) => (stepOf(s, 10).exitCode === 0 && /1 packets received/.test(stepOf(s, 10).stdout)) || stepOf(s, 10).stdout + stepOf(s, 10).stderr,
      },
    ],
    cleanup: 'vkill --xid 3401; vkill --xid 3402; kill $(cat /tmp/e34-n.pid); rm -f /tmp/e34*.pid',
  },
];
