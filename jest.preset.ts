import type { Config } from 'jest';

/** Shared jest settings for one workspace package; `dir` is the package folder. */
export function packageJestConfig(dir: string, displayName: string): Config {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
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
