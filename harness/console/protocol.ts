/**
 * The framed console protocol between the harness and the guest's agent, `vsagent`
 * (guest-image/tools/vsagent.c), which init starts on the serial console.
 *
 * The agent announces itself with READY_MARKER, having put the console in protocol mode (no echo,
 * no output processing, whole lines; Ctrl-C stays a signal). Requests are lines:
 *
 *     vsx NONCE TEXT            run TEXT with sh (escaped, see escapeCommand)
 *     vsx NONCE @FILE           run the commands in FILE, uploaded first because they are long
 *     vsx -r NONCE              print the last answer again, under NONCE
 *     vsx -q                    leave protocol mode (`vslab shell`: init then starts a shell there)
 *     vsxr NONCE PATH SIZE      receive a file (Shell.upload): base64 lines, acked every 32, then "."
 *
 * The agent runs each command in a subshell of a resident busybox sh (so `exit`, `cd` or `exec`
 * end with the command), stdin from /dev/null, and answers:
 *
 *     VSLAB{NONCE:out:LEN}      base64 of stdout follows, 76 characters a line (only if LEN > 0)
 *     VSLAB{NONCE:err:LEN}      base64 of stderr follows (only if LEN > 0)
 *     VSLAB{NONCE:end:STATUS:OUTLEN:ERRLEN}
 *
 * A command without output thus costs one short line each way on the serial port. Under emulation
 * the guest's work dominates a round trip: one fork of the small resident shell and no exec (see
 * vsagent.c). After a timeout the harness types Ctrl-C: the command and the resident shell die of
 * SIGINT, the agent answers the abandoned request with status 130 and starts a new shell.
 *
 * The marker word never occurs in what we type, so an echo of a request (should a command turn
 * echo on) cannot be mistaken for an answer; prompts, terminal escapes and kernel messages on lines
 * of their own are skipped because they are not base64; a kernel message that lands in the middle
 * of a base64 line breaks the line structure or the length, and the harness asks for the frame
 * again (`vsx -r NONCE`).
 */
import { ProtocolError } from '../errors.ts';

export const MARKER = 'VSLAB';
/**
 * Longest escaped command we type in one line: the console's line discipline holds 4095
 * characters a line (the request's head and the newline included); longer ones are uploaded.
 */
export const MAX_INLINE_TEXT = 4000;
const B64_LINE = 76;

export function makeNonce(counter: number): string {
  const rand = Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
  return `${rand}${counter.toString(16).padStart(4, '0')}`;
}

/**
 * Bytes typed literally: printable ASCII except backslash (the escape character), space (which
 * separates the request's words), '@' (a leading '@' names a file) and colon. No control
 * character reaches the line discipline, and since colons and spaces are escaped an echo of a
 * command can never spell a kernel splat line ("WARNING:", "Kernel panic - not syncing") for the
 * splat detector.
 */
function typedLiterally(b: number): boolean {
  return b > 0x20 && b <= 0x7e && b !== 0x5c && b !== 0x3a && b !== 0x40;
}

/** Escapes a command's bytes for a request line: what is not typed literally becomes \0ooo. */
export function escapeCommand(data: Buffer): string {
  let out = '';
  for (const b of data) out += typedLiterally(b) ? String.fromCharCode(b) : `\\0${b.toString(8).padStart(3, '0')}`;
  return out;
}

/** The request line for a command, or undefined when it is too long to type inline. */
export function requestLine(nonce: string, command: string): string | undefined {
  const text = escapeCommand(Buffer.from(command, 'utf8'));
  if (text.length > MAX_INLINE_TEXT) return undefined;
  return `vsx ${nonce} ${text}\n`;
}

export function fileRequestLine(nonce: string, guestPath: string): string {
  return `vsx ${nonce} @${guestPath}\n`;
}

export function resendLine(nonce: string): string {
  return `vsx -r ${nonce}\n`;
}

/** Leaves protocol mode: the agent restores the console and exits, init starts a shell. */
export const QUIT_LINE = 'vsx -q\n';

export interface Frame {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

export type FrameScan =
  { state: 'incomplete' } | { state: 'complete'; frame: Frame; consumed: number } | { state: 'corrupt'; reason: string; consumed: number };

function markerRe(nonce: string, kind: string): RegExp {
  return new RegExp(`${MARKER}\\{${nonce}:${kind}:(\\d+)\\}`, 'g');
}

/** Decodes one base64 section; undefined if its line structure shows damage. */
export function decodeSection(text: string, expectedLength: number): Buffer | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0 && /^[A-Za-z0-9+/=]+$/.test(l));
  // Every line but the last must be exactly B64_LINE long; the last at most that.
  for (let i = 0; i < lines.length; i++) {
    const len = lines[i]?.length ?? 0;
    if (i < lines.length - 1 ? len !== B64_LINE : len > B64_LINE) return undefined;
  }
  const joined = lines.join('');
  if (joined.length % 4 !== 0) return undefined;
  const data = Buffer.from(joined, 'base64');
  return data.length === expectedLength ? data : undefined;
}

/**
 * Looks for the complete answer to `nonce` in `text` (console output decoded as latin1).
 * `consumed` is the index just past the end marker.
 */
export function scanFrame(text: string, nonce: string): FrameScan {
  const end = new RegExp(`${MARKER}\\{${nonce}:end:(\\d+):(\\d+):(\\d+)\\}`).exec(text);
  if (end === null) return { state: 'incomplete' };
  const consumed = end.index + end[0].length;
  const exitCode = Number(end[1]);
  if (!Number.isInteger(exitCode) || exitCode > 255) throw new ProtocolError(`bad exit status in frame: ${end[0]}`);
  const head = text.slice(0, end.index);
  const outLen = Number(end[2]);
  const errLen = Number(end[3]);
  const outM = outLen > 0 ? [...head.matchAll(markerRe(nonce, 'out'))].pop() : undefined;
  const errM = errLen > 0 ? [...head.matchAll(markerRe(nonce, 'err'))].pop() : undefined;
  if ((outLen > 0 && outM === undefined) || (errLen > 0 && errM === undefined) || (outM !== undefined && errM !== undefined && errM.index < outM.index)) {
    return { state: 'corrupt', reason: 'missing out/err markers', consumed };
  }
  const section = (m: RegExpExecArray | RegExpMatchArray | undefined, stop: number, len: number): Buffer | undefined =>
    m === undefined || m.index === undefined ? Buffer.alloc(0) : decodeSection(head.slice(m.index + m[0].length, stop), len);
  const stdout = section(outM, errM?.index ?? head.length, outLen);
  const stderr = section(errM, head.length, errLen);
  if (stdout === undefined || stderr === undefined) {
    return { state: 'corrupt', reason: `damaged ${stdout === undefined ? 'stdout' : 'stderr'} section`, consumed };
  }
  return { state: 'complete', frame: { exitCode, stdout, stderr }, consumed };
}

/** Encodes an answer the way the guest does (used by tests to synthesise console streams). */
export function encodeFrame(nonce: string, frame: Frame): string {
  const section = (b: Buffer): string => {
    const b64 = b.toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += B64_LINE) lines.push(b64.slice(i, i + B64_LINE));
    return lines.map((l) => `${l}\n`).join('');
  };
  const part = (kind: string, b: Buffer): string => (b.length > 0 ? `\n${MARKER}{${nonce}:${kind}:${b.length}}\n${section(b)}` : '');
  return `${part('out', frame.stdout)}${part('err', frame.stderr)}\n${MARKER}{${nonce}:end:${frame.exitCode}:${frame.stdout.length}:${frame.stderr.length}}\n`;
}

/**
 * Uploads (`vsxr NONCE PATH SIZE`): the agent answers VSLAB{NONCE:ready:0}, takes base64 lines
 * of B64_LINE characters, acknowledges every UPLOAD_WINDOW_LINES of them with
 * VSLAB{NONCE:ack:LINES}, and after a line "." writes the file and answers VSLAB{NONCE:end:STATUS}.
 */
export const UPLOAD_WINDOW_LINES = 32;

export function uploadRequestLine(nonce: string, guestPath: string, size: number): string {
  return `vsxr ${nonce} ${guestPath} ${size}\n`;
}

export const UPLOAD_END_LINE = '.\n';

export function uploadReadyMarker(nonce: string): string {
  return `${MARKER}{${nonce}:ready:0}`;
}

/** The acknowledgement after `lines` base64 lines. */
export function uploadAckMarker(nonce: string, lines: number): string {
  return `${MARKER}{${nonce}:ack:${lines}}`;
}

/** The upload's status from the agent's end marker, or undefined while it has not come. */
export function scanUploadEnd(text: string, nonce: string): number | undefined {
  const m = new RegExp(`${MARKER}\\{${nonce}:end:(\\d+)\\}`).exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** `data` as the upload's windows: each a string of up to UPLOAD_WINDOW_LINES base64 lines. */
export function uploadWindows(data: Buffer): { text: string; lines: number; acked: boolean }[] {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += B64_LINE) lines.push(b64.slice(i, i + B64_LINE));
  const windows: { text: string; lines: number; acked: boolean }[] = [];
  for (let i = 0; i < lines.length; i += UPLOAD_WINDOW_LINES) {
    const window = lines.slice(i, i + UPLOAD_WINDOW_LINES);
    windows.push({ text: window.map((l) => `${l}\n`).join(''), lines: i + window.length, acked: window.length === UPLOAD_WINDOW_LINES });
  }
  return windows;
}

/** The line the agent prints once it serves requests. */
export const READY_MARKER = `${MARKER}{boot:ready}`;
