/**
 * `vslab examples --tools DIR` with a DIR that holds our own tools under util-vserver's names
 * (links to the guest's /usr/lib/vslab/vstool) and a FEATURES.txt: the harness puts DIR first in
 * the guest's PATH and FEATURES.txt where util-vserver's vserver-info reads it, and the paper's
 * examples, which use only util-vserver's command line (ABI §8), pass through DIR's tools.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_TOOLS_DIR, UTIL_VSERVER_LIBDIRS } from '../../harness/guest.ts';
import { backend, useGuest } from '../fixtures.ts';
import { defineExampleTests } from './example-tests.ts';

/** util-vserver's tools we have (ABI §8), plus vtag and vspace of its chains. */
const UTIL_VSERVER_TOOLS = [
  'chcontext',
  'chbind',
  'vcontext',
  'vattribute',
  'vuname',
  'vlimit',
  'vkill',
  'vwait',
  'vps',
  'vserver-stat',
  'vserver-info',
  'vtag',
  'vspace',
  'vnamespace',
  'ncontext',
  'naddress',
  'nattribute',
  'setattr',
  'showattr',
  'lsxid',
  'chxid',
  'reducecap',
];

const toolsDir = mkdtempSync(join(tmpdir(), 'vslab-tools-'));
for (const t of UTIL_VSERVER_TOOLS) symlinkSync('/usr/lib/vslab/vstool', join(toolsDir, t));
writeFileSync(join(toolsDir, 'FEATURES.txt'), 'vslab reference tools\n');

describe(`the paper's examples through --tools DIR (${backend})`, () => {
  const h = useGuest({ variant: 'vserver', toolsDir, disk: { sizeMiB: 16, label: 'vslab-examples' } });

  it('DIR comes first in the guest PATH and its FEATURES.txt is where vserver-info looks', async () => {
    for (const t of UTIL_VSERVER_TOOLS) expect((await h.guest.shell.succeed(`command -v ${t}`)).stdout, t).toBe(`${GUEST_TOOLS_DIR}/${t}\n`);
    for (const d of UTIL_VSERVER_LIBDIRS) expect((await h.guest.shell.succeed(`cat ${d}/FEATURES.txt`)).stdout).toBe('vslab reference tools\n');
  });

  defineExampleTests(h, ' (--tools)');
});
