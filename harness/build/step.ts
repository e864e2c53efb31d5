/**
 * Runs one named build step as a child process, appending all of its output to a log file on
 * disk. On failure it throws a BuildError naming the step, the log's path and its last lines.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { BuildError, PrerequisiteError } from '../errors.ts';

export interface StepOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Log file the step's stdout and stderr are appended to. */
  logPath: string;
  /** Feed each output line to this callback (progress display). */
  onLine?: (line: string) => void;
  /** Data written to the child's stdin. */
  input?: string | Uint8Array;
}

export type Progress = (message: string) => void;

const TAIL_LINES = 40;

async function tailOf(path: string): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function runStep(step: string, file: string, args: readonly string[], opts: StepOptions): Promise<string> {
  await mkdir(dirname(opts.logPath), { recursive: true });
  const log = createWriteStream(opts.logPath, { flags: 'a' });
  log.write(`\n$ ${[file, ...args].join(' ')}${opts.cwd !== undefined ? `   (in ${opts.cwd})` : ''}\n`);
  let out = '';
  let pending = '';
  try {
    const child = execa(file, args, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: true,
      all: true,
      buffer: false,
      stdin: opts.input !== undefined ? 'pipe' : 'ignore',
      input: opts.input,
      reject: false,
    });
    child.all?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const text = chunk.toString('utf8');
      if (out.length < 1 << 20) out += text;
      if (opts.onLine !== undefined) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) opts.onLine(line);
      }
    });
    const result = await child;
    if (result.failed) {
      const reason = result.code === 'ENOENT' ? undefined : result.exitCode !== undefined ? `exit status ${result.exitCode}` : (result.signal ?? 'failed');
      if (reason === undefined) throw new PrerequisiteError(file, 'command not found; run scripts/setup as root');
      log.write(`\n[vslab] step "${step}" failed: ${reason}\n`);
      await new Promise<void>((r) => log.end(r));
      throw new BuildError(`${step} (${reason})`, opts.logPath, await tailOf(opts.logPath));
    }
  } finally {
    if (!log.writableEnded) await new Promise<void>((r) => log.end(r));
  }
  return out;
}
