import type { Config } from 'jest';

// One jest "project" per package; coverage gates apply to each package's src separately.
const packages = [
  'packages/errors',
  'packages/config',
  'packages/logging',
  'packages/resilience',
  'packages/security',
  'apps/cli',
];
import { existsSync } from 'node:fs';

const present = packages.filter((p) => existsSync(`${__dirname}/${p}/jest.config.ts`));

const config: Config = {
  projects: present.map((p) => `<rootDir>/${p}`),
  coverageThreshold: {
    global: {},
    ...Object.fromEntries(present.map((p) => [`./${p}/src/`, { lines: 90, branches: 85 }])),
  },
  collectCoverageFrom: present
    .map((p) => `<rootDir>/${p}/src/**/*.ts`)
    .concat(['!**/*.test.ts', '!**/__fixtures__/**', '!**/src/generated/**']),
  coverageReporters: ['text-summary', 'json-summary'],
};

export default config;
