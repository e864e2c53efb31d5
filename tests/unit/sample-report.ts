/** A small examples report with one pass, one fail and one not implemented, for report tests. */
import type { Report } from '../../harness/report/summary.ts';

export const sampleReport: Report = {
  info: {
    kernelVersion: '6.1.176',
    debianVersion: '6.1.176-1',
    patchHash: 'abc123',
    variant: 'vserver',
    backend: 'qemu-system-i386 tcg',
    arch: 'i386',
    date: '2026-11-30T12:00:00.000Z',
  },
  results: [
    {
      id: 'E11',
      title: 'Resource limits via the shell',
      section: '03.1',
      demonstrates: 'ulimit <lists> & lowers',
      verdict: 'pass',
      steps: [{ name: 'lower-nofile', command: 'ulimit -n 64; ulimit -n', exitCode: 0, stdout: '64\n', stderr: '', durationMs: 5 }],
      invariants: [{ says: 'reads back 64', ok: true }],
      durationMs: 12,
    },
    {
      id: 'E12',
      title: 'CPU time limit',
      section: '03.1',
      demonstrates: 'SIGXCPU',
      verdict: 'fail',
      reason: 'the loop ends with SIGXCPU: status=137',
      steps: [{ name: 'busy-loop', command: 'loop', exitCode: 137, stdout: 'status=137\n', stderr: 'Killed\x01\n', durationMs: 1000 }],
      invariants: [{ says: 'the loop ends with SIGXCPU', ok: false, detail: 'status=137' }],
      durationMs: 1001,
    },
    {
      id: 'E21',
      title: 'Process isolation',
      section: '04.0',
      demonstrates: 'isolation',
      verdict: 'not-implemented',
      reason: 'missing: the vcontext tool',
      steps: [],
      invariants: [],
      durationMs: 3,
    },
  ],
};
