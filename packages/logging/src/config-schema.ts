import { LOG_FORMATS } from './formats.js';
import { LOG_LEVELS } from './levels.js';

/**
 * JSON Schema of the config file's `logging:` section (and of the environment overrides merged
 * into it). Kept as a module so it is bundled into dist and needs no file lookup at run time.
 */
export const loggingConfigSchema = {
  $id: 'https://localagent.dev/schemas/logging.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    level: { enum: [...LOG_LEVELS] },
    format: { enum: [...LOG_FORMATS] },
    service: { type: 'string', minLength: 1 },
    console: {
      oneOf: [
        { const: false },
        {
          type: 'object',
          additionalProperties: false,
          required: ['stream'],
          properties: { stream: { enum: ['stderr', 'stdout'] } },
        },
      ],
    },
    file: {
      oneOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: {
            path: { type: 'string', minLength: 1 },
            maxSize: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^(?:0\\.)?[0-9]+[kmgKMG]$' }] },
            maxFiles: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[0-9]+d?$' }] },
            frequency: { type: 'string', pattern: '^(?:daily|test|custom|[0-9]+[mh])$' },
            datePattern: { type: 'string', minLength: 1 },
            zippedArchive: { type: 'boolean' },
            auditFile: { type: 'string', minLength: 1 },
            utc: { type: 'boolean' },
          },
        },
      ],
    },
    redact: {
      type: 'object',
      additionalProperties: false,
      properties: {
        keys: { type: 'array', items: { type: 'string', minLength: 1 } },
        patterns: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    maxQueuedLines: { type: 'integer', minimum: 1 },
  },
} as const;

/** What each field accepts, in words, for error messages. */
export const ALLOWED_VALUES: Readonly<Record<string, string>> = {
  '': `a mapping with: ${Object.keys(loggingConfigSchema.properties).join(', ')}`,
  level: LOG_LEVELS.join(', '),
  format: LOG_FORMATS.join(', '),
  service: 'a non-empty string',
  console: 'false, or { stream: stderr | stdout }',
  'console.stream': 'stderr, stdout',
  file: 'a path, or { path, maxSize, maxFiles, frequency, datePattern, zippedArchive, auditFile, utc }',
  'file.path': 'a non-empty path',
  'file.maxSize': 'a number of bytes, or a number followed by k, m or g (e.g. 20m)',
  'file.maxFiles': 'a number of files (e.g. 10) or of days (e.g. 14d)',
  'file.frequency': 'daily, or a number followed by m or h (e.g. 1h)',
  'file.datePattern': 'a moment.js date pattern (e.g. YYYY-MM-DD)',
  'file.zippedArchive': 'true, false',
  'file.auditFile': 'a non-empty path',
  'file.utc': 'true, false',
  redact: '{ keys: [names], patterns: [regular expressions] }',
  'redact.keys': 'a list of field names',
  'redact.patterns': 'a list of regular expressions',
  maxQueuedLines: 'a whole number of at least 1',
};
