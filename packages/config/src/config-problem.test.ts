import Ajv from 'ajv';
import {
  describeSchemaErrors,
  displayPath,
  withSource,
  type DescribeContext,
} from './config-problem';
import type { SchemaError, SectionSchema } from './config-section';

// Real ajv errors for a schema with the shapes the sections use: nested oneOf, anyOf, maps of objects, arrays.
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    file: {
      oneOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: {
            path: { type: 'string' },
            size: {
              oneOf: [
                { type: 'integer', minimum: 1 },
                { type: 'string', pattern: '^[0-9]+k$' },
              ],
            },
          },
        },
      ],
    },
    mode: { anyOf: [{ const: 'a' }, { const: 'b' }] },
    count: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    providers: {
      type: 'object',
      propertyNames: { pattern: '^[a-z]+$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { url: { type: 'string' } },
      },
    },
    'a/b': { type: 'boolean' },
  },
} as const satisfies SectionSchema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function problems(value: unknown, overrides: Partial<DescribeContext> = {}): string[] {
  expect(validate(value)).toBe(false);
  const context: DescribeContext = {
    section: 'demo',
    schema,
    value,
    allowed: { 'file.size': 'bytes, or a number followed by k' },
    sources: new Map([['count', 'DEMO_COUNT']]),
    spelled: new Map(),
    fallbackSource: 'config.yaml (demo)',
    ...overrides,
  };
  return describeSchemaErrors(validate.errors as unknown as SchemaError[], context).map(
    (p) => p.message,
  );
}

describe('describeSchemaErrors', () => {
  it('keeps the branch of a oneOf the user was writing, through a oneOf inside it', () => {
    expect(problems({ file: { path: 'a', size: 'ten' } })).toEqual([
      'demo.file.size is invalid (got "ten"); allowed: bytes, or a number followed by k',
    ]);
    expect(problems({ file: 5 })).toEqual(['demo.file must be string (got 5)']);
  });

  it('treats anyOf like oneOf, and names an environment variable as the source', () => {
    expect(problems({ mode: 'c', count: 'x' })).toEqual([
      'demo.mode must be equal to constant (got "c")',
      'demo.count must be integer (got "x") (set in DEMO_COUNT)',
    ]);
  });

  it('lists known fields inside maps, names indices and escaped keys', () => {
    expect(problems({ providers: { ok: { uri: 'x' } }, tags: ['a', 2], 'a/b': 'no' })).toEqual([
      'demo.tags[1] must be string (got 2)',
      'demo.providers.ok.uri is not a known field; known fields: url',
      'demo.a/b must be boolean (got "no")',
    ]);
  });

  it('reports an invalid map key without a hint, and unknown fields at the top', () => {
    expect(problems({ providers: { Bad: {} }, colour: 1 })).toEqual([
      'demo.colour is not a known field; known fields: file, mode, count, tags, providers, a/b',
      'demo.providers has an invalid name "Bad"',
    ]);
  });

  it('falls back to "is invalid" for an error without a message, and drops duplicates', () => {
    const error: SchemaError = {
      instancePath: '/count',
      schemaPath: '#/x',
      keyword: 'custom',
      params: {},
    };
    const context: DescribeContext = {
      section: 'demo',
      schema,
      value: { count: 1 },
      allowed: {},
      sources: new Map(),
      spelled: new Map(),
      fallbackSource: 'config.yaml (demo)',
    };
    expect(describeSchemaErrors([error, { ...error }], context).map((p) => p.message)).toEqual([
      'demo.count is invalid (got 1)',
    ]);
  });
});

describe('displayPath and withSource', () => {
  it('spells renamed fields as written, and only environment variables are named as a source', () => {
    expect(
      displayPath({ section: 's', spelled: new Map([['file.max_size', 'maxSize']]) }, [
        'file',
        'max_size',
      ]),
    ).toBe('s.file.maxSize');
    expect(withSource('x', 'LOCALAGENT_LOG_LEVEL')).toBe('x (set in LOCALAGENT_LOG_LEVEL)');
    expect(withSource('x', '/home/me/config.yaml (logging.level)')).toBe('x');
  });
});
