import { defineConfig } from 'vitest/config';

// Two projects: "unit" needs no VM and runs in seconds; "vm" boots real kernels, after
// tests/global-setup.ts has built (or found in the cache) the kernels and the guest image.
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
    ],
  },
});
