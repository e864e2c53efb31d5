/** vslab's programmatic API: what tests, benchmarks and other tools build on. Re-exports only. */
export { bootGuest, backendFromEnv, timeScaleFor, type BootOptions, type Guest } from './session.ts';
export { Shell, shellQuote, type RunOptions, type RunResult, type ConsoleStream } from './console/shell.ts';
export { putTree, tarTree } from './console/put.ts';
export { Watchdog } from './console/watchdog.ts';
export { buildKernel, cachedKernel, type KernelArtifact, type KernelManifest } from './build/kernel.ts';
export { buildGuestImage, type GuestImage } from './build/guest-image.ts';
export { VARIANTS, type Variant } from './build/kernel-config.ts';
export type { Arch, BackendName, Machine, MachineOptions } from './machine/machine.ts';
export { EXAMPLES, findExamples } from './examples/catalog.ts';
export { runExample } from './examples/runner.ts';
export { runExamples } from './examples/run-all.ts';
export * from './errors.ts';
export { kcidbDocument, type KcidbDocument, type KcidbInput, type BuildFacts, type CheckoutFacts, type TestFacts, type KcidbStatus } from './report/kcidb.ts';
export { checkoutFacts, patchsetHash, runKcidb, writeKcidb } from './report/kcidb-context.ts';
