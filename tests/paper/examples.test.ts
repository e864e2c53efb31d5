/**
 * The paper's examples E01–E48 as tests, from the same definitions as `vslab examples`
 * (harness/examples/catalog.ts), on the i386 kernel (the other architectures: tests/abi/). The
 * guest has an ext2 disk as /dev/sda for the examples that need one (E48), as `vslab examples`
 * gives them.
 */
import { describe } from 'vitest';
import { backend, useGuest } from '../fixtures.ts';
import { defineExampleTests } from './example-tests.ts';

describe(`the paper's examples (${backend})`, () => {
  const h = useGuest({ variant: 'vserver', disk: { sizeMiB: 16, label: 'vslab-examples' } });
  defineExampleTests(h);
});
