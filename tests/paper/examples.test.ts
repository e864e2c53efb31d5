/**
 * The paper's examples E01–E45 as tests, from the same definitions as `vslab examples`
 * (harness/examples/catalog.ts), on the i386 kernel (the other architectures: tests/abi/).
 */
import { describe } from 'vitest';
import { backend, useGuest } from '../fixtures.ts';
import { defineExampleTests } from './example-tests.ts';

describe(`the paper's examples (${backend})`, () => {
  const h = useGuest({ variant: 'vserver' });
  defineExampleTests(h);
});
