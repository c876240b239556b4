import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ConfigurationError } from '@localagent/errors';
import type { ConfigSection, SectionValidator } from './config-section';
import { CONFIG_SECTIONS, loadConfig } from './load-config';

// A section shaped like the real ones (nested objects, a oneOf, a map with propertyNames), compiled by ajv as the generated validators are.
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    level: { enum: ['low', 'high'] },
    file: {
      oneOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: { path: { type: 'string' }, max_size: { type: 'integer', minimum: 1 } },
        },
      ],
    },
    retries: { type: 'integer', minimum: 0, default: 2 },
    names: {
      type: 'object',
      propertyNames: { pattern: '^[a-z]+$' },
      additionalProperties: { type: 'string' },
    },
  },
} as const;
const validate = new Ajv({ allErrors: true, useDefaults: true, strict: false }).compile(
  schema,
) as unknown as SectionValidator;

interface Resolved {
  level?: string;
  retries: number;
  file?: unknown;
}

const section: ConfigSection<Resolved> = {
  schema,
  validate,
  allowed: {
    level: 'low, high',
    'file.max_size': 'a whole number of bytes',
    names: 'lower-case letters',
  },
  renamed: { 'file.maxSize': 'max_size' },
  env: [
    { variable: 'TEST_LEVEL', apply: (s, v) => ((s['level'] = v.toLowerCase()), 'level') },
    { variable: 'TEST_MODE', allowed: ['a', 'b'], apply: () => 'level' },
  ],
  resolve: (value, context) => {
    if (value['level'] === 'high' && value['retries'] === 0)
      context.fail('retries', 'must be at least 1 when level is high');
    return value as unknown as Resolved;
  },
};

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'la-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

function failure(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

const load = (path: string | undefined, env: Record<string, string> = {}) =>
  loadConfig({ file: path, env, sections: { logging: section } });

describe('loadConfig', () => {
  it('returns each section validated, with defaults, the environment winning over the file', () => {
    const loaded = load(file('logging:\n  level: low\n  file: { path: a.log }\n'), {
      TEST_LEVEL: ' HIGH ',
    });
    expect(loaded.exists).toBe(true);
    expect(loaded.sections.logging).toEqual({ level: 'high', retries: 2, file: { path: 'a.log' } });
    expect(loaded.warnings).toEqual([]);
  });

  it('treats a missing file, an empty file, an empty section and no file at all as the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-config-'));
    expect(load(join(dir, 'none.yaml'))).toMatchObject({
      exists: false,
      sections: { logging: { retries: 2 } },
    });
    expect(load(join(dir, 'not-a-dir', 'x', 'config.yaml')).exists).toBe(false);
    expect(load(file('')).sections.logging).toEqual({ retries: 2 });
    expect(load(file('logging:\n')).sections.logging).toEqual({ retries: 2 });
    expect(load(undefined, { TEST_LEVEL: 'low' })).toMatchObject({
      file: undefined,
      exists: false,
      sections: { logging: { level: 'low' } },
    });
  });

  it('a missing file the user named is an error', () => {
    expect(
      failure(() =>
        loadConfig({
          file: join(tmpdir(), 'la-none', 'c.yaml'),
          optional: false,
          env: {},
          sections: {},
        }),
      ).message,
    ).toContain('Cannot read the config file');
  });

  it('lists every problem of every field at once, with the allowed values and where each came from', () => {
    const path = file(
      'logging:\n  level: medium\n  file: { path: a.log, max_size: 0, colour: red }\n  names: { "Bad Name": x }\n',
    );
    const error = failure(() => load(path, { TEST_MODE: 'c' }));
    const problems = (
      error.details as { problems: Array<{ field: string; message: string; source: string }> }
    ).problems;
    expect(problems.map((p) => p.message)).toEqual([
      'TEST_MODE must be one of: a, b (got "c")',
      'logging.level must be one of: low, high (got "medium")',
      'logging.file.colour is not a known field; known fields: path, max_size',
      'logging.file.max_size is invalid (got 0); allowed: a whole number of bytes',
      'logging.names has an invalid name "Bad Name"; allowed: lower-case letters',
    ]);
    expect(error.message).toContain(
      `Invalid configuration in ${path} (5 problems):\n  - TEST_MODE`,
    );
    expect(error.code).toBe('LA_CONFIG_INVALID');
    expect(error.suggestion).toContain('localagent config validate');
    expect(error.details).toMatchObject({ file: path, field: 'logging', source: 'TEST_MODE' });
  });

  it('names the environment variable a wrong value came from', () => {
    const error = failure(() => load(file('logging:\n  level: low\n'), { TEST_LEVEL: 'loud' }));
    expect(error.message).toBe(
      'Invalid configuration in ' +
        error.details?.['file'] +
        ': logging.level must be one of: low, high (got "loud") (set in TEST_LEVEL).',
    );
    expect(error.details).toMatchObject({ field: 'logging.level', source: 'TEST_LEVEL' });
  });

  it('reports problems found while resolving, after validation', () => {
    const error = failure(() => load(file('logging:\n  level: high\n  retries: 0\n')));
    expect(error.message).toContain('logging.retries must be at least 1 when level is high');
  });

  it('accepts an old field name with a warning, and names the field as the user spelled it', () => {
    const loaded = load(file('logging:\n  file: { path: a.log, maxSize: 10 }\n'));
    expect(loaded.sections.logging.file).toEqual({ path: 'a.log', max_size: 10 });
    expect(loaded.warnings).toEqual([
      {
        kind: 'renamed_field',
        message: expect.stringContaining(
          'logging.file.maxSize is now spelled logging.file.max_size',
        ),
      },
    ]);
    const wrong = failure(() => load(file('logging:\n  file: { path: a.log, maxSize: -1 }\n')));
    expect(wrong.message).toContain('logging.file.maxSize is invalid (got -1)');
    const both = failure(() =>
      load(file('logging:\n  file: { path: a.log, maxSize: 1, max_size: 2 }\n')),
    );
    expect(both.message).toContain('logging.file.maxSize and logging.file.max_size are both set');
  });

  it('warns about unknown top-level sections instead of failing (a newer file read by an older version)', () => {
    const loaded = load(file('logging:\n  level: low\nresilience: {}\nloging: {}\n'));
    expect(loaded.warnings).toEqual([
      { kind: 'unknown_section', message: expect.stringContaining('unknown section "resilience"') },
      { kind: 'unknown_section', message: expect.stringContaining('unknown section "loging"') },
    ]);
    expect(loaded.warnings[0]?.message).toContain(`known sections: ${CONFIG_SECTIONS.join(', ')}`);
  });

  it('rejects a section that is not a mapping, a top level that is not one, and every YAML syntax error', () => {
    expect(failure(() => load(file('logging: loud\n'))).message).toContain(
      'logging must be a mapping with: level, file, retries, names (got "loud")',
    );
    expect(failure(() => load(file('- a\n- b\n'))).message).toContain(
      'must contain a mapping (key: value pairs) at the top level',
    );
    const yaml = failure(() => load(file('logging:\n  level: [low\nsecurity: {a: 1, a: 2}\n')));
    expect(yaml.message).toContain('is not valid YAML');
    expect((yaml.details as { problems: string[] }).problems.length).toBeGreaterThan(0);
  });

  it('validates an already-parsed document without reading a file', () => {
    expect(
      loadConfig({
        file: undefined,
        document: { logging: { level: 'low' } },
        env: {},
        sections: { logging: section },
      }).sections.logging,
    ).toEqual({ level: 'low', retries: 2 });
  });

  it('never changes the parsed document it was given', () => {
    const document = { logging: { file: { path: 'a', maxSize: 3 } } };
    loadConfig({
      file: undefined,
      document,
      env: { TEST_LEVEL: 'low' },
      sections: { logging: section },
    });
    expect(document).toEqual({ logging: { file: { path: 'a', maxSize: 3 } } });
  });
});
