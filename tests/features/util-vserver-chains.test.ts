/**
 * The chains of tool invocations util-vserver's chcontext and chbind run (ABI §11.1), on the
 * vserver kernel: first each chain written out step by step, every step a separate tool
 * invocation that execs the next (vtag, vspace, vcontext, vuname, vattribute; ncontext,
 * nattribute, naddress), exactly as util-vserver's shell wrappers build it; then our chcontext
 * and chbind, which must leave the command in the same state. The state is read by the command
 * itself at the end of the chain: /proc/self/vinfo (XID, BCaps, CFlags), hostname,
 * /proc/self/ninfo (NID, the bound address).
 *
 * These need the kernel to let a context in setup lower its own bcaps and go on (K3), to accept
 * net_create with no data (K1) and the space commands (K2), and the vspace tool.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

/** util-vserver's --secure bound: every capability of 6.1 (0..40) but its insecure ones. */
const INSECURE = [9, 11, 12, 13, 14, 15, 16, 17, 20, 21, 23, 24, 25, 27, 29];
const SECURE_CAPS = [...Array(41).keys()].filter((b) => !INSECURE.includes(b));
const MKNOD = 27;
const capMask = (bits: number[]): bigint => bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);
const VXF_INFO_PRIVATE = 0x8n;
const VXF_INFO_INIT = 0x10n;
const VXF_HIDE_NETIF = 0x2000000n;
const VXF_STATE_SETUP = 1n << 32n;
/** --secure's ccaps: SET_UTSNAME | RAW_ICMP, granted from inside the context in setup (K8). */
const SECURE_CCAPS = 0x101n;

/** What the command shows of a context the chains made with --secure --cap CAP_MKNOD: its xid and name, the secure bound with MKNOD, the secure ccaps. */
const secureState = (xid: number, host: string): Partial<State> => ({ xid, host, bcaps: capMask([...SECURE_CAPS, MKNOD]), ccaps: SECURE_CCAPS });

/** What the command at the end of a chain reports about itself. */
const PROBE = "sh -c 'cat /proc/self/vinfo; echo Host: $(hostname); echo Pid: $$; cat /proc/self/ninfo'";

interface State {
  xid: number;
  bcaps: bigint;
  ccaps: bigint;
  cflags: bigint;
  host: string;
  pid: number;
  nid: number;
  v4: string[];
}

function stateOf(out: string): State {
  const hex = (key: string): bigint => {
    const m = new RegExp(`^${key}:\\s+([0-9a-f]+)$`, 'm').exec(out);
    return m?.[1] !== undefined ? BigInt(`0x${m[1]}`) : -1n;
  };
  const num = (key: string): number => Number(new RegExp(`^${key}:\\s+(-?\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
  return {
    xid: num('XID'),
    bcaps: hex('BCaps'),
    ccaps: hex('CCaps'),
    cflags: hex('CFlags'),
    host: /^Host: (.*)$/m.exec(out)?.[1] ?? '',
    pid: num('Pid'),
    nid: num('NID'),
    v4: [...out.matchAll(/^V4Root\[\d+\]:\s+\[?([\d.]+)/gm)].map((m) => m[1] ?? ''),
  };
}

/** chcontext's create chain for --xid N --secure --cap CAP_MKNOD --flag FLAG --hostname H (ABI §11.1 step 2). */
const createChain = (xid: number, host: string, cmd: string, flag = 'private'): string =>
  `vtag --create --tag ${xid} --silentexist --silent -- ` +
  `vspace --new --default -- ` +
  `vcontext --create --silentexist --silent --xid ${xid} -- ` +
  `vspace --set --default -- ` +
  `vuname --set --xid self -t nodename=${host} -- ` +
  `vattribute --set --secure --bcap CAP_MKNOD --flag ${flag} -- ` +
  `vcontext --silent --endsetup --migrate-self -- ${cmd}`;

/** chcontext's migrate chain for an existing static N (ABI §11.1 step 3). */
const migrateChain = (xid: number, cmd: string): string =>
  `vtag --migrate --tag ${xid} --silent -- vspace --enter ${xid} --default -- vcontext --silent --xid ${xid} --migrate -- ${cmd}`;

/** chbind's chain for --nid N --ip A (ABI §11.1, chbind step 2), with chbind's /24. */
const netChain = (nid: number, ip: string, cmd: string): string =>
  `ncontext --create --silentexist --silent --nid ${nid} -- nattribute --set -- naddress --add --silent --ip ${ip}/24 -- ${cmd}`;

describe("util-vserver's chains (ABI §11.1) on the vserver kernel", () => {
  const h = useGuest({ variant: 'vserver' });

  it('the probes the wrappers start with: FEATURE migrate and vnet succeed, XIDTYPE static tells static ids', async () => {
    expect((await h.run('vserver-info - FEATURE migrate')).exitCode).toBe(0);
    expect((await h.run('vserver-info - FEATURE vnet')).exitCode).toBe(0);
    expect(await h.run('vserver-info -q 5101 XIDTYPE static')).toMatchObject({ exitCode: 0, stdout: '' });
    expect((await h.run('vserver-info -q 1 XIDTYPE static')).exitCode).toBe(1);
    expect((await h.run('vserver-info -q 50000 XIDTYPE static')).exitCode).toBe(1);
  });

  it('the create chain, step by step, leaves CMD in the new context past setup with the bound, flags and name it set', async () => {
    const r = await h.run(createChain(5101, 'chain5101', PROBE));
    try {
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const s = stateOf(r.stdout);
      expect(s).toMatchObject(secureState(5101, 'chain5101'));
      expect(s.cflags & VXF_STATE_SETUP).toBe(0n);
      expect(s.cflags & VXF_INFO_PRIVATE).toBe(VXF_INFO_PRIVATE);
      expect(s.cflags & VXF_HIDE_NETIF).toBe(VXF_HIDE_NETIF);
    } finally {
      await h.run('vkill --xid 5101');
    }
  });

  it('the create chain exits 254 when N exists; the migrate chain then enters it (a context without INFO_PRIVATE)', async () => {
    // INFO_PRIVATE would refuse the entry after setup (EACCES, ABI §4.2 and §4.7): this guest names hide_netif instead.
    await h.succeed(`${createChain(5102, 'chain5102', "sh -c 'sleep 1000 >/dev/null 2>&1 &'", 'hide_netif')}`);
    try {
      expect(await h.run(createChain(5102, 'again', 'true', 'hide_netif'))).toMatchObject({ exitCode: 254, stdout: '', stderr: '' });
      const r = await h.run(migrateChain(5102, PROBE));
      expect(r.stderr).toBe('');
      expect(stateOf(r.stdout)).toMatchObject(secureState(5102, 'chain5102'));
    } finally {
      await h.run('vkill --xid 5102');
    }
  });

  it('chcontext itself produces the state of the chain, and its CMD keeps its pid', async () => {
    const r = await h.run(`chcontext --silent --xid 5103 --secure --cap CAP_MKNOD --flag private --hostname chain5103 -- ${PROBE} & wait $!; echo Started: $!`);
    try {
      expect(r.stderr).toBe('');
      const s = stateOf(r.stdout);
      expect(s).toMatchObject(secureState(5103, 'chain5103'));
      expect(s.cflags & VXF_STATE_SETUP).toBe(0n);
      expect(s.cflags & VXF_INFO_PRIVATE).toBe(VXF_INFO_PRIVATE);
      expect(s.pid).toBe(Number(/^Started: (\d+)$/m.exec(r.stdout)?.[1]));
    } finally {
      await h.run('vkill --xid 5103');
    }
  });

  it('chcontext --flag fakeinit makes CMD the init (vcontext --initpid at the end of the chain); a second chcontext enters', async () => {
    await h.succeed("chcontext --silent --xid 5104 --flag fakeinit -- sh -c 'sleep 1000 >/dev/null 2>&1 &'");
    try {
      const again = await h.run(`chcontext --xid 5104 -- ${PROBE}`);
      expect(again.stderr).toBe('');
      const s = stateOf(again.stdout);
      expect(s.xid).toBe(5104);
      expect(s.cflags & VXF_INFO_INIT).toBe(VXF_INFO_INIT);
    } finally {
      await h.run('vkill --xid 5104');
    }
  });

  it('chcontext without --xid: a new dynamic context, "New security context is N" from vcontext', async () => {
    const r = await h.run(`chcontext --secure -- ${PROBE}`);
    expect(r.stderr).toBe('');
    const n = Number(/^New security context is (\d+)$/m.exec(r.stdout)?.[1]);
    expect(n).toBeGreaterThanOrEqual(49152);
    const s = stateOf(r.stdout);
    expect(s.xid).toBe(n);
    expect(s.bcaps).toBe(capMask(SECURE_CAPS));
    expect(s.ccaps).toBe(SECURE_CCAPS);
    expect(s.cflags & VXF_STATE_SETUP).toBe(0n);
  });

  it("chbind's chain, step by step, binds CMD to the address; chbind itself does the same", async () => {
    const chain = await h.run(netChain(5105, '10.42.0.2', PROBE));
    expect(chain.stderr).toBe('');
    expect(chain.exitCode).toBe(0);
    expect(stateOf(chain.stdout)).toMatchObject({ nid: 5105, v4: ['10.42.0.2'] });

    const tool = await h.run(`chbind --silent --nid 5106 --ip 10.42.0.2 -- ${PROBE}`);
    expect(tool.stderr).toBe('');
    expect(stateOf(tool.stdout)).toMatchObject({ nid: 5106, v4: ['10.42.0.2'] });
    // chbind's mask default is /24, as the chain passes it.
    expect(tool.stdout).toMatch(/^V4Root\[0\]:\s+\[10\.42\.0\.2-0\.0\.0\.0\/255\.255\.255\.0:/m);
  });

  it('chbind --nid N for an existing N enters it (ncontext --migrate), its addresses unchanged', async () => {
    const pid = (await h.succeed(`chbind --silent --nid 5107 --ip 10.42.0.3 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`)).stdout.trim();
    try {
      const r = await h.run(`chbind --silent --nid 5107 --ip 10.42.0.1 -- ${PROBE}`);
      expect(r.stderr).toBe('');
      expect(stateOf(r.stdout)).toMatchObject({ nid: 5107, v4: ['10.42.0.3'] });
    } finally {
      await h.run(`kill ${pid}`);
    }
  });
});
