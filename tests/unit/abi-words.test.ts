/**
 * The command words of sys_vserver are interface facts: ABI.md §4 gives each one's number. This
 * is the one place they are typed by hand (from the spec, not from our headers); every other test
 * names commands (vsyscall ctx_create …) through the table the guest tools generate from the uapi
 * headers. Here the headers are compiled on the host and each VCMD_ must carry the spec's number.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/paths.ts';

/** ABI.md §4: name, number (the tables' third column, and the NETALT words of its prose). */
const SPEC: ReadonlyArray<readonly [string, number]> = [
  ['get_version', 0x00000000],
  ['get_vci', 0x00010000],
  ['create_context', 0x01010000],
  ['set_vhi_name', 0x02010000],
  ['get_vhi_name', 0x02020000],
  ['set_mapping', 0x06010000],
  ['unset_mapping', 0x06020000],
  ['ctx_create_v0', 0x09010000],
  ['ctx_create', 0x09010001],
  ['enter_space_v0', 0x0a010000],
  ['enter_space_v1', 0x0a010001],
  ['enter_space', 0x0a010002],
  ['set_space_v1', 0x0a030001],
  ['set_space', 0x0a030002],
  ['get_space_mask_v0', 0x0a040000],
  ['ctx_migrate_v0', 0x0b010000],
  ['ctx_migrate', 0x0b010001],
  ['ctx_kill', 0x0c010000],
  ['set_sched_v2', 0x0e010002],
  ['set_sched_v3', 0x0e010003],
  ['set_sched_v4', 0x0e010004],
  ['set_sched', 0x0e010005],
  ['get_sched', 0x0e020005],
  ['sched_info', 0x0e030000],
  ['set_prio_bias', 0x0e040000],
  ['get_prio_bias', 0x0e050000],
  ['get_badness', 0x14050000],
  ['set_badness', 0x14060000],
  ['net_create_v0', 0x19010000],
  ['net_create', 0x19010001],
  ['net_add', 0x1a010000],
  ['net_add_ipv4_v1', 0x1a010001],
  ['net_add_ipv4', 0x1a010002],
  ['net_remove', 0x1a020000],
  ['net_rem_ipv4_v1', 0x1a020001],
  ['net_rem_ipv4', 0x1a020002],
  ['net_add_ipv6', 0x1a030001],
  ['net_remove_ipv6', 0x1a040001],
  ['net_migrate', 0x1b010000],
  ['tag_migrate', 0x23010000],
  ['add_dlimit', 0x24010000],
  ['rem_dlimit', 0x24020000],
  ['set_dlimit', 0x24050000],
  ['get_dlimit', 0x24060000],
  ['get_iattr', 0x26010001],
  ['set_iattr', 0x26020001],
  ['fget_iattr', 0x26030000],
  ['fset_iattr', 0x26040000],
  ['ctx_stat', 0x28000000],
  ['rlimit_stat', 0x28010000],
  ['virt_stat', 0x28030000],
  ['sock_stat', 0x28050000],
  ['task_xid', 0x2e010000],
  ['task_nid', 0x2e020000],
  ['task_tag', 0x2e030000],
  ['vx_info', 0x2e050000],
  ['nx_info', 0x2e060000],
  ['wait_exit', 0x30630000],
  ['get_cflags', 0x34010000],
  ['set_cflags', 0x34020000],
  ['get_ccaps', 0x34030001],
  ['set_ccaps', 0x34040001],
  ['get_nflags', 0x34050000],
  ['set_nflags', 0x34060000],
  ['get_ncaps', 0x34070000],
  ['set_ncaps', 0x34080000],
  ['get_bcaps', 0x34090000],
  ['set_bcaps', 0x340a0000],
  ['get_umask', 0x340d0000],
  ['set_umask', 0x340e0000],
  ['get_wmask', 0x340f0000],
  ['set_wmask', 0x34100000],
  ['get_space_mask', 0x36000001],
  ['get_space_default', 0x36010000],
  ['dump_history', 0x38010000],
  ['read_history', 0x38050000],
  ['read_monitor', 0x38060000],
  ['get_rlimit', 0x3c010000],
  ['set_rlimit', 0x3c020000],
  ['get_rlimit_mask', 0x3c030000],
  ['reset_hits', 0x3c070000],
  ['reset_minmax', 0x3c090000],
  ['set_sched_v1', 0x3d010001],
  ['new_s_context', 0x3f010001],
  ['set_ipv4root', 0x3f020003],
  ['add_match_ipv4', 0x1a050000],
  ['get_match_ipv4', 0x1a060000],
  ['add_match_ipv6', 0x1a070000],
  ['get_match_ipv6', 0x1a080000],
];

const PRINTER = `#include <stdio.h>
#include <stdint.h>
#include "vcmd-names.h"
static const struct { const char *name; uint32_t cmd; } words[] = { VCMD_NAMES };
int main(void)
{
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		printf("%s %u\\n", words[i].name, words[i].cmd);
	return 0;
}
`;

describe('sys_vserver command words', () => {
  let dir = '';
  let headers = new Map<string, number>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vslab-vcmd-'));
    const tools = join(repoRoot, 'guest-image', 'tools');
    await execa('make', ['-s', '-C', tools, `OUT=${dir}`, join(dir, 'vcmd-names.h')]);
    await writeFile(join(dir, 'print.c'), PRINTER);
    await execa('gcc', [
      '-Wall',
      '-Werror',
      `-I${dir}`,
      `-I${join(repoRoot, 'kernel-patch', 'files', 'include', 'uapi')}`,
      '-o',
      join(dir, 'print'),
      join(dir, 'print.c'),
    ]);
    const { stdout } = await execa(join(dir, 'print'));
    headers = new Map(
      stdout
        .split('\n')
        .map((l) => l.split(' '))
        .map(([n, v]) => [n ?? '', Number(v)]),
    );
  });
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('the uapi headers define the commands the spec lists', () => {
    expect(headers.size).toBeGreaterThan(70);
    expect(headers.get('ctx_create')).toBe(0x09010001);
  });

  it('every VCMD_ of the uapi headers has the number ABI.md gives it', () => {
    const spec = new Map(SPEC);
    const wrong = [...headers]
      .filter(([name, cmd]) => spec.get(name) !== cmd)
      .map(
        ([name, cmd]) =>
          `${name}: 0x${cmd.toString(16).padStart(8, '0')}, spec ${spec.has(name) ? `0x${(spec.get(name) ?? 0).toString(16).padStart(8, '0')}` : 'has no such command'}`,
      );
    expect(wrong).toEqual([]);
  });
});
