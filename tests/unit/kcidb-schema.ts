/** The KCIDB v5.3 subset (harness/report/kcidb-schema.json) compiled with ajv and its formats, for the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from '../../harness/paths.ts';

// ajv-formats is CommonJS: its default export arrives as the module object or as the plugin, by loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export function kcidbValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'harness', 'report', 'kcidb-schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** The validator's errors as one readable string ('' when valid). */
export function kcidbErrors(validate: ValidateFunction, doc: unknown): string {
  return validate(doc) ? '' : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`).join('; ');
}
