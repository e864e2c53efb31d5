/**
 * A small KTAP reader for what the kernel's selftest runner prints (Documentation/dev-tools/ktap.rst;
 * kselftest/runner.sh): one document per run_kselftest.sh call,
 *
 *     TAP version 13
 *     1..2
 *     # selftests: pidfd: pidfd_test          <- header of a test program
 *     # TAP version 13                        <- the program's own output, prefixed "# "
 *     # ok 1 pidfd_send_signal ...
 *     ok 1 selftests: pidfd: pidfd_test
 *     not ok 2 selftests: pidfd: pidfd_open_test # exit=1
 *
 * with the runner's directives "# SKIP" (exit status 4), "# TIMEOUT N seconds" and "# exit=N".
 * The program's own output is kept as its log, and its own result lines (the nested KTAP of
 * kselftest_harness.h and ksft_test_result_*) are read as subtests, one level deep.
 *
 * Written here rather than taken from npm: the TAP parsers there (tap-parser and friends) read
 * TAP 14 subtests by indentation, not KTAP's "# " prefix, and know none of the runner's directives.
 */

export type KtapStatus = 'pass' | 'fail' | 'skip' | 'timeout';

/** One result line: "ok 3 name # SKIP reason". */
export interface KtapLine {
  number: number;
  name: string;
  ok: boolean;
  /** Directive keyword in upper case (SKIP, TODO, XFAIL, TIMEOUT), when there is one. */
  directive?: string;
  /** The rest of the directive ("45 seconds", a skip reason, "exit=1"). */
  detail?: string;
  status: KtapStatus;
}

/** One test program as the runner reported it. */
export interface SelftestResult {
  /** "collection:program", the runner's own name for it (kselftest-list.txt). */
  id: string;
  collection: string;
  test: string;
  status: KtapStatus;
  /** The program's exit status when the runner gave it ("# exit=N"). */
  exitCode?: number;
  /** The program's own output (one "# " prefix removed). */
  log: string[];
  /** Its own result lines, one level down. */
  subtests: KtapLine[];
}

const RESULT = /^(not ok|ok)\s+(\d+)\s*(?:-\s*)?(.*)$/;

/** Parses a result line ("ok 1 name # SKIP why"), or returns undefined. */
export function parseResultLine(line: string): KtapLine | undefined {
  const m = RESULT.exec(line.trimEnd());
  if (m === null) return undefined;
  const ok = m[1] === 'ok';
  const rest = m[3] ?? '';
  // The directive follows the first " # " (or a leading "# " when the name is empty).
  const at = rest.startsWith('# ') || rest === '#' ? 0 : rest.indexOf(' # ');
  const name = (at < 0 ? rest : rest.slice(0, at)).trim();
  const after = at < 0 ? undefined : rest.slice(at).replace(/^\s*#\s*/, '');
  let directive: string | undefined;
  let detail: string | undefined;
  if (after !== undefined) {
    const d = /^(SKIP|TODO|XFAIL|TIMEOUT)\b\s*(.*)$/i.exec(after);
    if (d !== null) {
      directive = (d[1] ?? '').toUpperCase();
      detail = d[2] === '' ? undefined : d[2];
    } else if (after !== '') {
      detail = after;
    }
  }
  let status: KtapStatus;
  if (directive === 'SKIP') status = 'skip';
  else if (directive === 'TIMEOUT') status = 'timeout';
  else if (ok || directive === 'TODO' || directive === 'XFAIL') status = ok ? 'pass' : 'fail';
  else status = 'fail';
  const out: KtapLine = { number: Number(m[2]), name, ok, status };
  if (directive !== undefined) out.directive = directive;
  if (detail !== undefined) out.detail = detail;
  return out;
}

const HEADER = /^# selftests: ([^:]+): (.+)$/;
const RUNNER_NAME = /^selftests: ([^:]+): (.+)$/;

/** Removes one level of KTAP nesting ("# " or "#") from a line, if it has one. */
function unnest(line: string): string {
  if (line.startsWith('# ')) return line.slice(2);
  if (line === '#') return '';
  return line;
}

/**
 * Reads the runner's output (any number of concatenated documents) into one result per test
 * program, in the order they ran. Lines outside any test (kernel messages, our own shell) are
 * ignored; a header without a result line (the runner was cut short) gives no result.
 */
export function parseKselftestOutput(text: string): SelftestResult[] {
  const results: SelftestResult[] = [];
  let current: { collection: string; test: string; log: string[] } | undefined;
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const header = HEADER.exec(raw);
    if (header !== null) {
      current = { collection: header[1] ?? '', test: (header[2] ?? '').trim(), log: [] };
      continue;
    }
    const top = raw.startsWith('#') ? undefined : parseResultLine(raw);
    const named = top === undefined ? null : RUNNER_NAME.exec(top.name);
    if (top !== undefined && named !== null) {
      const collection = named[1] ?? '';
      const test = (named[2] ?? '').trim();
      const log = current !== undefined && current.collection === collection && current.test === test ? current.log : [];
      const result: SelftestResult = { id: `${collection}:${test}`, collection, test, status: top.status, log, subtests: [] };
      const exit = /^exit=(\d+)$/.exec(top.detail ?? '');
      if (exit !== null) result.exitCode = Number(exit[1]);
      for (const l of log) {
        const sub = parseResultLine(l);
        if (sub !== undefined) result.subtests.push(sub);
      }
      results.push(result);
      current = undefined;
      continue;
    }
    if (current !== undefined && raw.startsWith('#')) current.log.push(unnest(raw));
  }
  return results;
}

/** Counts per status. */
export function tally(results: readonly { status: KtapStatus }[]): Record<KtapStatus, number> {
  const out: Record<KtapStatus, number> = { pass: 0, fail: 0, skip: 0, timeout: 0 };
  for (const r of results) out[r.status] += 1;
  return out;
}
