import { bootGuest } from '../harness/guest.ts';
const backend = (process.argv[2] ?? 'qemu') as 'qemu' | 'v86';
const g = await bootGuest({ snapshot: true, backend });
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!.toFixed(2); };
for (const cmd of [':', 'true', '/bin/true']) {
  for (let i = 0; i < 20; i++) await g.shell.run(cmd);
  const t: number[] = [];
  for (let i = 0; i < 100; i++) t.push((await g.shell.run(cmd)).durationMs);
  console.log(backend, JSON.stringify(cmd), 'median', med(t), 'min', Math.min(...t).toFixed(2));
}
await g.close();
