import type { Config } from 'jest';

/** Shared jest settings for one workspace package; `dir` is the package folder. */
export function packageJestConfig(dir: string, displayName: string): Config {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    // jest 30 "soft-deletes" globals between test files in one worker through proxies; after many
    // files that load real modules (drivers, dist bundles), setting one overflowed the stack
    // ("Test suite failed to run: RangeError: Maximum call stack size exceeded" in Reflect.set).
    // Off is jest 29's behaviour: each test file still gets a fresh global object.
    testEnvironmentOptions: { globalsCleanup: 'off' },
    roots: ['<rootDir>/src', '<rootDir>/test'],
    testMatch: ['**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': [
        'ts-jest',
        { tsconfig: `${dir}/tsconfig.json`, diagnostics: { ignoreCodes: [151002] } },
      ],
    },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    collectCoverageFrom: [
      'src/**/*.ts',
      '!src/**/*.test.ts',
      '!src/**/__fixtures__/**',
      '!src/generated/**',
    ],
  };
}
