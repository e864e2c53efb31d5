/**
 * Commands declared as data. A command names each option once — its kind, argument name, allowed
 * values or range, default and one line of help — and from that single declaration come the
 * parser (node's parseArgs, strict: an unknown option is an error), the typed values the command
 * works with, the checks of enums and numbers (a UsageError naming the option, exit status 2) and
 * the --help text. Nothing restates a list of values in prose: help prints the declared ones.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

interface Described {
  /** One line for --help. */
  help: string;
}

/** --name, a switch. */
export interface FlagOption extends Described {
  kind: 'flag';
}

/** --name TEXT; with `multiple`, repeatable (the values in order). */
export interface TextOption extends Described {
  kind: 'text';
  arg: string;
  multiple?: boolean;
}

/** --name PATH, made absolute against the working directory. */
export interface PathOption extends Described {
  kind: 'path';
  arg: string;
}

/** --name N, a whole number in [min, max] (min defaults to 0). */
export interface IntOption extends Described {
  kind: 'int';
  arg: string;
  min?: number;
  max?: number;
  default?: number;
}

/** --name VALUE, one of `values`; with `multiple`, repeatable. */
export interface EnumOption<V extends string = string> extends Described {
  kind: 'enum';
  values: readonly V[];
  default?: V;
  multiple?: boolean;
}

/** --name A,B,…: a comma-separated list (empty items dropped). */
export interface ListOption extends Described {
  kind: 'list';
  arg: string;
}

export type OptionSpec = FlagOption | TextOption | PathOption | IntOption | EnumOption | ListOption;
export type OptionSpecs = Record<string, OptionSpec>;

type WithDefault<S, T> = S extends { default: unknown } ? T : T | undefined;

/** The parsed value of one declared option. */
export type ValueOf<S extends OptionSpec> = S extends FlagOption
  ? boolean
  : S extends EnumOption<infer V>
    ? S extends { multiple: true }
      ? V[]
      : WithDefault<S, V>
    : S extends IntOption
      ? WithDefault<S, number>
      : S extends TextOption
        ? S extends { multiple: true }
          ? string[]
          : string | undefined
        : S extends ListOption
          ? string[] | undefined
          : string | undefined;

export type Values<O extends OptionSpecs> = { [K in keyof O]: ValueOf<O[K]> };

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** How the command is invoked, for the usage line ("vslab run", "npm run bench:boot --"). */
  program: string;
  /** One line for the list of commands. */
  summary: string;
  /**
   * What follows the options in the usage line ("-- PROGRAM ARG...", "OUTPUT"). Words that are not
   * options are accepted only when it is given.
   */
  operands?: string;
  /** The prose of --help, after the usage line. */
  about: string;
  options: O;
  run(values: Values<O>, operands: string[]): Promise<number>;
}

/** What a caller (the dispatcher) needs of a command, whatever its options. */
export interface Invocable {
  readonly program: string;
  readonly summary: string;
  /** Parses argv and runs the command, or prints its help (0); usage errors throw UsageError. */
  invoke(argv: string[]): Promise<number>;
}

/** Declares a command; `const` keeps the literal option kinds so that values are typed. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> & Invocable {
  return { ...command, invoke: (argv: string[]) => invoke(command, argv) };
}

/** "a or b" for two values, "one of a, b, c" for more. */
function choices(values: readonly string[]): string {
  return values.length === 2 ? `${values[0] ?? ''} or ${values[1] ?? ''}` : `one of ${values.join(', ')}`;
}

function optionWord(name: string, spec: OptionSpec): string {
  switch (spec.kind) {
    case 'flag':
      return `--${name}`;
    case 'enum':
      return `--${name} ${spec.values.join('|')}`;
    default:
      return `--${name} ${spec.arg}`;
  }
}

function optionHelp(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.kind === 'int' && spec.max !== undefined) notes.push(`${spec.min ?? 0}..${spec.max}`);
  if ((spec.kind === 'int' || spec.kind === 'enum') && spec.default !== undefined) notes.push(`default ${spec.default}`);
  if ((spec.kind === 'text' || spec.kind === 'enum') && spec.multiple === true) notes.push('repeatable');
  return notes.length === 0 ? spec.help : `${spec.help} (${notes.join('; ')})`;
}

/** The --help text: usage line, the prose, and one line per option. */
export function helpText<O extends OptionSpecs>(command: Command<O>): string {
  const words = Object.entries(command.options).map(([name, spec]) => ({ word: optionWord(name, spec), help: optionHelp(spec) }));
  const width = Math.min(32, Math.max(0, ...words.map((w) => w.word.length)));
  const lines = words.map((w) => (w.word.length > width ? `  ${w.word}\n  ${' '.repeat(width)}  ${w.help}` : `  ${w.word.padEnd(width)}  ${w.help}`));
  const usage = `usage: ${command.program}${words.length > 0 ? ' [options]' : ''}${command.operands !== undefined ? ` ${command.operands}` : ''}`;
  return `${usage}\n\n${command.about}${lines.length > 0 ? `\n\noptions:\n${lines.join('\n')}` : ''}`;
}

function intValue(name: string, spec: IntOption, raw: string): number {
  const min = spec.min ?? 0;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || (spec.max !== undefined && n > spec.max)) {
    const range = spec.max !== undefined ? `a whole number ${min}..${spec.max}` : min === 0 ? 'a non-negative whole number' : `a whole number from ${min}`;
    throw new UsageError(`--${name} takes ${range}, not "${raw}"`);
  }
  return n;
}

function enumValue(name: string, spec: EnumOption, raw: string): string {
  if (!spec.values.includes(raw)) throw new UsageError(`--${name} must be ${choices(spec.values)}, not "${raw}"`);
  return raw;
}

/** Checks and converts what parseArgs found for one option. */
function convert(name: string, spec: OptionSpec, raw: string | boolean | (string | boolean)[] | undefined): unknown {
  if (spec.kind === 'flag') return raw === true;
  const texts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const one = texts.at(-1);
  switch (spec.kind) {
    case 'text':
      return spec.multiple === true ? texts : one;
    case 'path':
      return one === undefined ? undefined : resolve(one);
    case 'int':
      return one === undefined ? spec.default : intValue(name, spec, one);
    case 'enum':
      if (spec.multiple === true) return texts.map((t) => enumValue(name, spec, t));
      return one === undefined ? spec.default : enumValue(name, spec, one);
    case 'list':
      return one
        ?.split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  }
}

/** Parses `argv` for `command`: its typed values and operands, or `help` when --help was asked. */
export function parseCommand<O extends OptionSpecs>(
  command: Command<O>,
  argv: string[],
): { help: true } | { help: false; values: Values<O>; operands: string[] } {
  const config: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.options)) {
    const multiple = (spec.kind === 'text' || spec.kind === 'enum') && spec.multiple === true;
    config[name] = spec.kind === 'flag' ? { type: 'boolean' } : { type: 'string', multiple };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: command.operands !== undefined, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0] ?? String(err)} (${command.program} --help)`, { cause: err });
  }
  if (parsed.values['help'] === true) return { help: true };
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) values[name] = convert(name, spec, parsed.values[name]);
  return { help: false, values: values as Values<O>, operands: parsed.positionals };
}

/** Runs `command` on `argv`: prints the help and returns 0 for --help, else the command's status. */
export async function invoke<O extends OptionSpecs>(command: Command<O>, argv: string[]): Promise<number> {
  const p = parseCommand(command, argv);
  if (p.help) {
    process.stdout.write(`${helpText(command)}\n`);
    return 0;
  }
  return command.run(p.values, p.operands);
}
