import { defineConfig } from 'vitest/config';

// Projects: "unit" needs no VM and runs in seconds; "vm" boots real kernels on QEMU (or on the
// backend VSLAB_BACKEND names), after tests/global-setup.ts has built (or found in the cache) the
// kernels and the guest image; "v86" runs the console and paper-example suites on v86 as well;
// "long" holds suites too long for `npm test` (npm run test:long).
// `npm run test:v86` runs every VM suite on v86.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'vm',
          include: ['tests/{abi,reliability,features,paper}/**/*.test.ts'],
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
        test: {
          name: 'v86',
          include: ['tests/reliability/console.test.ts', 'tests/paper/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          env: { VSLAB_BACKEND: 'v86' },
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
