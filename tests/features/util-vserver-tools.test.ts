/**
 * Our guest tools behave like util-vserver's same-named tools (ABI §8, §10, §11): the forms
 * util-vserver's scripts call (vserver-info FEATURE/XIDTYPE/XID/INITPID/TAG, vcontext
 * --migrate-self from inside, vuname --set --xid self -- CMD, vwait --status-fd/--terminate,
 * vtag), a trailing `-- CMD` on every tool of the chains, and the outputs util-vserver prints
 * (lsxid !!ERR!!, a directory argument listed itself first, naddress storing no mask, vps on a
 * procps-style /usr/bin/ps). Every test cleans up the contexts it made.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { vpoll } from '../poll.ts';

/** A process that keeps context XID alive (created with vcontext); prints its pid. */
const keepAlive = (xid: number, extra = ''): string => `vcontext --create --silent ${extra} --xid ${xid} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`;
const VXF_STATE_SETUP = 1n << 32n;

/** A line of util-vserver's `vlimit -a`: name, then two spaces and each value from columns 10, 30, 50. */
const vlimitRow = (name: string, min: string, soft: string, hard: string): string =>
  `${name.padEnd(10)}${`  ${min}`.padEnd(20)}${`  ${soft}`.padEnd(20)}  ${hard}`;

describe('util-vserver forms of our tools on the vserver kernel', () => {
  const h = useGuest({ variant: 'vserver' });

  it('vserver-info - FEATURE F: exit 0 iff the kernel has F; -q prints nothing', async () => {
    for (const f of ['migrate', 'vnet', 'VKILL', 'vwait', 'vstat', 'spaces']) {
      expect(await h.run(`vserver-info -q - FEATURE ${f}`), f).toMatchObject({ exitCode: 0, stdout: '' });
    }
    // pptag follows the VCI bit, as SYSINFO shows it.
    const pptag = /^\s+PPTAG\s+yes$/m.test((await h.succeed('vserver-info')).stdout);
    expect((await h.run('vserver-info - FEATURE pptag')).exitCode).toBe(pptag ? 0 : 1);
    expect((await h.run('vserver-info - FEATURE vshelper0')).exitCode).toBe(1); // only 1.0.0–1.0.15
    expect((await h.run('vserver-info - FEATURE nosuchfeature')).exitCode).toBe(1);
  });

  it('vserver-info N XIDTYPE [T]...: main, watch, static, dynamic; exit status tells a match', async () => {
    const type = async (x: string): Promise<string> => (await h.succeed(`vserver-info ${x} XIDTYPE`)).stdout;
    expect(await type('0')).toBe('main\n');
    expect(await type('1')).toBe('watch\n');
    expect(await type('2')).toBe('static\n');
    expect(await type('49151')).toBe('static\n');
    expect(await type('49152')).toBe('dynamic\n');
    expect(await type("''")).toBe('main\n'); // empty: the caller's own context
    expect(await h.run('vserver-info 49151 XIDTYPE dynamic static')).toMatchObject({ exitCode: 0, stdout: 'static\n' });
    expect(await h.run('vserver-info 49152 XIDTYPE static')).toMatchObject({ exitCode: 1, stdout: '' });
    expect((await h.run('vserver-info -q 5201 XIDTYPE static')).exitCode).toBe(0);
  });

  it('vserver-info PID XID, N INITPID, PID TAG', async () => {
    const pid = (await h.succeed(keepAlive(5202))).stdout.trim();
    // An init that stays: the shell that clears STATE_INIT execs the sleep.
    await h.succeed("vcontext --create --silent --initpid --xid 5214 -- sh -c 'echo $$ >/tmp/i5214; exec sleep 1000' >/dev/null 2>&1 &");
    try {
      expect((await h.succeed(`vserver-info ${pid} XID`)).stdout).toBe('5202\n');
      expect((await h.succeed('vserver-info 0 XID')).stdout).toBe('0\n');
      expect((await h.succeed(`vserver-info ${pid} TAG`)).stdout).toBe('5202\n');
      const init = (await h.succeed(`${vpoll('[ -s /tmp/i5214 ]')}; cat /tmp/i5214`)).stdout.trim();
      expect(Number(init)).toBeGreaterThan(1);
      expect((await h.succeed('vserver-info 5214 INITPID')).stdout).toBe(`${init}\n`);
      expect((await h.succeed('cat /proc/virtual/5214/info')).stdout).toMatch(new RegExp(`^Init:\\s+${init}$`, 'm'));
    } finally {
      await h.run('vkill --xid 5202; vkill --xid 5214');
    }
  });

  it('vtag --migrate --tag N -- CMD sets the file tag CMD inherits when the kernel reports PPTAG; --silent runs CMD regardless', async () => {
    const pptag = /^\s+PPTAG\s+yes$/m.test((await h.succeed('vserver-info')).stdout);
    expect((await h.succeed('vtag --migrate --tag 77 --silent -- vserver-info 0 TAG')).stdout).toBe(pptag ? '77\n' : '0\n');
    expect((await h.succeed('vtag --create --tag 78 --silentexist --silent -- vserver-info 0 TAG')).stdout).toBe('0\n');
    // Without --silent a kernel without PPTAG is an error, as in util-vserver's vtag.
    expect((await h.run('vtag --migrate --tag 77 -- true')).exitCode).toBe(pptag ? 0 : 255);
    expect((await h.run('vtag --migrate -- true')).exitCode).toBe(255); // no --tag
    expect((await h.run('vtag --create --migrate --tag 1 -- true')).exitCode).toBe(255);
  });

  it('vcontext --migrate-self works from inside without --xid; with --endsetup it clears STATE_SETUP of its own context', async () => {
    const r = await h.succeed(
      "vcontext --create --silent --xid 5203 -- sh -c 'grep CFlags /proc/self/vinfo; vcontext --endsetup --migrate-self -- cat /proc/self/vinfo'",
    );
    const [before, after] = [...r.stdout.matchAll(/^CFlags:\s+([0-9a-f]+)$/gm)].map((m) => BigInt(`0x${m[1] ?? '0'}`));
    expect((before ?? 0n) & VXF_STATE_SETUP).toBe(VXF_STATE_SETUP);
    expect((after ?? -1n) & VXF_STATE_SETUP).toBe(0n);
    expect(r.stdout).toMatch(/^XID:\s+5203$/m);
  });

  it('vuname --set --xid self -t TAG=VALUE -- CMD sets the own context name, then runs CMD', async () => {
    const r = await h.succeed(
      "vcontext --create --silent --xid 5204 -- vuname --set --xid self -t nodename=n5204 -t domainname=d5204 -- sh -c 'hostname; cat /proc/sys/kernel/domainname'",
    );
    expect(r.stdout).toBe('n5204\nd5204\n');
    expect((await h.succeed('hostname')).stdout).toBe('vslab\n');
  });

  it('vuname --xid self --dir D --missingok -- CMD (the step of vserver NAME start): each TAG file of D sets that name, trailing newlines dropped; a missing D is an error only without --missingok', async () => {
    await h.succeed("mkdir -p /tmp/uts5210 && printf 'n5210\\n\\n' >/tmp/uts5210/nodename && printf d5210 >/tmp/uts5210/domainname");
    const r = await h.succeed(
      "vcontext --create --silent --xid 5210 -- vuname --xid self --dir /tmp/uts5210 --missingok -- sh -c 'hostname; cat /proc/sys/kernel/domainname'",
    );
    expect(r.stdout).toBe('n5210\nd5210\n');
    expect((await h.succeed('vcontext --create --silent --xid 5211 -- vuname --xid self --dir /tmp/none --missingok -- echo ran')).stdout).toBe('ran\n');
    const missing = await h.run('vcontext --create --silent --xid 5212 -- vuname --xid self --dir /tmp/none -- echo ran');
    expect(missing.exitCode).toBe(255);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^vuname: \/tmp\/none: No such file or directory$/m);
    // util-vserver matches a TAG without case and by its beginning.
    const abbreviated = await h.succeed('vcontext --create --silent --xid 5213 -- vuname --xid self --dir /tmp/uts5210 -- vuname --xid self NODE Dom');
    expect(abbreviated.stdout).toBe('n5210 d5210\n');
  });

  it('vwait --status-fd FD writes the status there; --terminate kills the context at the timeout (KILLED, exit 1)', async () => {
    await h.succeed(keepAlive(5205, '--endsetup'));
    try {
      const t = await h.run('vwait --timeout 1 --status-fd 3 5205 3>/tmp/vw5205; echo rc=$?; cat /tmp/vw5205');
      expect(t.stdout).toBe('rc=2\nTIMEOUT\n');
      const k = await h.run('vwait --timeout 1 --terminate --status-fd 3 -- 5205 3>/tmp/vw5205; echo rc=$?; cat /tmp/vw5205');
      expect(k.stdout).toBe('rc=1\nKILLED\n');
      expect((await h.run('vserver-info 5205 INITPID; test -d /proc/virtual/5205')).exitCode).not.toBe(0);
    } finally {
      await h.run('vkill --xid 5205');
    }
  });

  it("vlimit -a shows a limit after it was set (not N/A), in util-vserver's layout, also without --xid from inside; -S -H add up", async () => {
    const inside = await h.succeed(`vcontext --create --silent --xid 5213 -- sh -c 'vlimit --nproc 9 && vlimit -d -a | grep "^NPROC "'`);
    // A hard limit alone pulls the soft one down with it (the kernel keeps soft <= hard).
    expect(inside.stdout).toBe(`${vlimitRow('NPROC', 'N/A', '9', '9')}\n`);
    await h.succeed(keepAlive(5206));
    try {
      expect((await h.succeed('vlimit --xid 5206 -S -H --nsock 5 && vlimit --xid 5206 -d -a | grep "^NSOCK "')).stdout).toBe(
        `${vlimitRow('NSOCK', 'N/A', '5', '5')}\n`,
      );
      const r = await h.succeed('vlimit --xid 5206 --nproc 7 && vlimit --xid 5206 -d -a | grep "^NPROC "');
      expect(r.stdout).toBe(`${vlimitRow('NPROC', 'N/A', '7', '7')}\n`);
      const s = await h.succeed('vlimit --xid 5206 -S --nofile 9 --nofile 11 && vlimit --xid 5206 -d -a | grep "^NOFILE "');
      expect(s.stdout).toBe(`${vlimitRow('NOFILE', 'N/A', '9', '11')}\n`);
    } finally {
      await h.run('vkill --xid 5206');
    }
  });

  it('showattr and lsxid list a directory argument itself first, then its entries; -d only the directory; -R walks below', async () => {
    await h.succeed('rm -rf /tmp/ud && mkdir -p /tmp/ud && mount -t tmpfs -o tag tmpfs /tmp/ud && mkdir /tmp/ud/sub && touch /tmp/ud/f /tmp/ud/sub/g');
    try {
      const names = (out: string): string[] =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.replace(/^.{20}  |^\S+ +/, ''));
      expect(names((await h.succeed('lsxid /tmp/ud')).stdout).sort()).toEqual(['/tmp/ud', '/tmp/ud/f', '/tmp/ud/sub']);
      expect(names((await h.succeed('lsxid /tmp/ud')).stdout)[0]).toBe('/tmp/ud');
      expect(names((await h.succeed('showattr /tmp/ud')).stdout)[0]).toBe('/tmp/ud');
      expect(names((await h.succeed('lsxid -d /tmp/ud')).stdout)).toEqual(['/tmp/ud']);
      expect(names((await h.succeed('lsxid -R /tmp/ud')).stdout)).toEqual(['/tmp/ud', '/tmp/ud/f', '/tmp/ud/sub', '/tmp/ud/sub/g']);
      expect((await h.succeed('lsxid /tmp/ud')).stdout).toMatch(/^ {19}0  \/tmp\/ud$/m);
    } finally {
      await h.run('umount /tmp/ud');
    }
  });

  it('lsxid prints !!ERR!! (left-aligned in the field) for a file without a tag, exit 1', async () => {
    const r = await h.run('mkdir -p /tmp/nt && mount -t tmpfs tmpfs /tmp/nt && touch /tmp/nt/f && lsxid /tmp/nt/f; echo rc=$?; umount /tmp/nt');
    expect(r.stdout).toBe(`${'!!ERR!!'.padEnd(20)}  /tmp/nt/f\nrc=1\n`);
  });

  it('reducecap --show prints the capability sets after the drop; CMD is optional', async () => {
    const r = await h.succeed("reducecap --cap '!CAP_MKNOD' --show");
    expect(r.stdout).toMatch(/^bounding: /m);
    expect(r.stdout).not.toMatch(/mknod/);
    expect(r.stdout).toMatch(/^effective: .*\bchown\b/m);
    expect((await h.succeed("reducecap --show --cap '!CAP_CHOWN' -- echo ran")).stdout).toMatch(/ran\n$/);
  });

  it('naddress stores an address given without a mask with mask 0.0.0.0, and defaults to the own network context', async () => {
    const r = await h.succeed('ncontext --create --silent --nid 5207 -- naddress --add --silent --ip 10.42.0.2 -- cat /proc/self/ninfo');
    expect(r.stdout).toMatch(/^NID:\s+5207$/m);
    expect(r.stdout).toMatch(/^V4Root\[0\]:\s+\[10\.42\.0\.2-0\.0\.0\.0\/0\.0\.0\.0:/m);
  });

  it('every tool of the chains runs a trailing -- CMD after its own work', async () => {
    const cmds = [
      'vcontext --create --silent --xid 5208 -- echo ran',
      'vcontext --create --silent --xid 5215 -- vattribute --get -- echo ran',
      'vcontext --create --silent --xid 5209 -- vuname --set --xid self -t nodename=x -- echo ran',
      'ncontext --create --silent --nid 5210 -- echo ran',
      'nattribute --set -- echo ran',
      'ncontext --create --silent --nid 5211 -- naddress --add --silent --ip 10.42.0.3 -- echo ran',
      'vtag --migrate --tag 5 --silent -- echo ran',
    ];
    for (const c of cmds) expect((await h.run(c)).stdout, c).toMatch(/ran\n$/);
  });

  it('/usr/bin/ps prints a procps header with PID right-aligned; vps puts CONTEXT after it', async () => {
    const ps = (await h.succeed('/usr/bin/ps')).stdout.split('\n');
    expect(ps[0]).toBe('  PID TTY          TIME CMD');
    expect(ps.slice(1).some((l) => /^ {4}1 /.test(l))).toBe(true);
    expect((await h.succeed('/usr/bin/ps -ef')).stdout).toMatch(/^UID {8}PID  PPID  C STIME TTY {10}TIME CMD\n/);
    expect((await h.succeed('/usr/bin/ps aux')).stdout).toMatch(/^USER {7}PID %CPU %MEM/);
    expect((await h.run('/usr/bin/ps -Z')).exitCode).toBe(1);
    const pid = (await h.succeed(keepAlive(5212, '--endsetup'))).stdout.trim();
    try {
      const vps = (await h.succeed('vps')).stdout.split('\n');
      expect(vps[0]).toBe('  PID CONTEXT             TTY          TIME CMD');
      const row = vps.find((l) => l.startsWith(`${pid.padStart(5)} `));
      expect(row).toMatch(/^ *\d+ {2}5212 \S+ *\S+ +\d\d:\d\d:\d\d sleep$/);
      expect(vps.find((l) => /^ {4}1 /.test(l))).toMatch(/^ {4}1 {5}0 MAIN {10}\S/);
    } finally {
      await h.run('vkill --xid 5212');
    }
  });
});
