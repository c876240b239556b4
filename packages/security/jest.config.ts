import { packageJestConfig } from '../../jest.preset';

const base = packageJestConfig(__dirname, 'security');

export default {
  ...base,
  // YAML imports are text, as tsup's loader makes them in the build
  transform: { ...base.transform, '^.+\\.yaml$': '<rootDir>/test/support/yaml-text-transform.cjs' },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json', 'yaml'],
};
