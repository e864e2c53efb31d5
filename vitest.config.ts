import { readFile } from 'node:fs/promises';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * @actions/workflow-parser ships source maps that name sources it does not ship; once Vite
 * transforms the package (server.deps.inline below) it warns about each file. Its code is
 * loaded here without the map comment: no map, no warning, nothing else changes.
 */
const withoutPackageSourceMaps: Plugin = {
  name: 'vslab-without-package-source-maps',
  async load(id) {
    const file = id.split('?')[0] ?? id;
    if (!file.includes('/node_modules/@actions/') || !file.endsWith('.js')) return null;
    return { code: (await readFile(file, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/gm, ''), map: null };
  },
};

// Projects: "unit" needs no VM and runs in seconds; "vm" boots real kernels on QEMU (or on the
// backend VSLAB_BACKEND names), after tests/global-setup.ts has built (or found in the cache) the
// i386 kernels and the guest image; "v86" runs the console and paper-example suites on v86 as
// well; "long" holds suites too long for `npm test` (npm run test:long); "arches" one file per
// architecture besides i386 (tests/arches/<arch>.test.ts: npm run test:x86_64, test:arm,
// test:arm64, …), outside `npm test`. `npm run test:v86` runs every VM suite on v86,
// `npm run test:debug` the race and fuzz suites on the lock-debugging kernel. "selftests" runs
// the kernel's own selftests on vanilla and on our patch and compares them
// (`npm run test:selftests`; tests/selftests/).
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        plugins: [withoutPackageSourceMaps],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // GitHub's workflow parser (tests/unit/ci-workflow.test.ts) is ESM that imports its JSON
          // schema without an import attribute, which Node refuses: Vite transforms it instead.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
        },
      },
      {
        test: {
          name: 'vm',
          include: ['tests/{abi,reliability,features,paper,security}/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        // Long suites outside `npm test` (npm run test:long): the 10,000-cycle churn.
        test: {
          name: 'long',
          include: ['tests/long/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The whole set, four runs (npm run test:selftests).
        test: {
          name: 'selftests',
          include: ['tests/selftests/build.test.ts', 'tests/selftests/full.test.ts'],
          globalSetup: ['tests/selftests/setup.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 600_000,
        },
      },
      {
        // In `npm test`: the build's check and the host-context comparison of the fast subset.
        test: {
          name: 'selftests-fast',
          include: ['tests/selftests/build.test.ts', 'tests/selftests/host-subset.test.ts'],
          globalSetup: ['tests/selftests/setup.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
        },
      },
      {
        // One file per architecture outside `npm test` (tests/arches/<arch>.test.ts; npm run
        // test:x86_64, test:arm, test:arm64, …): each boots its row's patched kernel under TCG.
        test: {
          name: 'arches',
          include: ['tests/arches/**/*.test.ts'],
          globalSetup: ['tests/arches/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'v86',
          include: ['tests/reliability/console.test.ts', 'tests/reliability/snapshot.test.ts', 'tests/paper/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          env: { VSLAB_BACKEND: 'v86' },
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
