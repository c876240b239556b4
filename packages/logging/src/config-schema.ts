import { LOG_FORMATS } from './format-names.js';
import { LOG_LEVELS } from './levels.js';

/**
 * JSON Schema of config.yaml's `logging:` section (after the environment overrides are merged in).
 * Field names are snake_case, like the rest of config.yaml. `scripts/compile-validators.ts`
 * compiles it ahead of time into `generated/config-validator.ts`; a test keeps the two in step.
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
            max_size: {
              oneOf: [
                { type: 'integer', minimum: 1 },
                { type: 'string', pattern: '^(?:0\\.)?[0-9]+[kmgKMG]$' },
              ],
            },
            max_files: {
              oneOf: [
                { type: 'integer', minimum: 1 },
                { type: 'string', pattern: '^[0-9]+d?$' },
              ],
            },
            frequency: { type: 'string', pattern: '^(?:daily|test|custom|[0-9]+[mh])$' },
            date_pattern: { type: 'string', minLength: 1 },
            zipped_archive: { type: 'boolean' },
            audit_file: { type: 'string', minLength: 1 },
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
    max_queued_lines: { type: 'integer', minimum: 1 },
  },
} as const;

/** What each field accepts, in words, for error messages. */
export const LOGGING_ALLOWED_VALUES: Readonly<Record<string, string>> = {
  level: LOG_LEVELS.join(', '),
  format: LOG_FORMATS.join(', '),
  service: 'a non-empty string',
  console: 'false, or { stream: stderr | stdout }',
  'console.stream': 'stderr, stdout',
  file: 'a path, or { path, max_size, max_files, frequency, date_pattern, zipped_archive, audit_file, utc }',
  'file.path': 'a non-empty path',
  'file.max_size': 'a number of bytes, or a number followed by k, m or g (e.g. 20m)',
  'file.max_files': 'a number of files (e.g. 10) or of days (e.g. 14d)',
  'file.frequency': 'daily, or a number followed by m or h (e.g. 1h)',
  'file.date_pattern': 'a moment.js date pattern (e.g. YYYY-MM-DD)',
  'file.zipped_archive': 'true, false',
  'file.audit_file': 'a non-empty path',
  'file.utc': 'true, false',
  redact: '{ keys: [names], patterns: [regular expressions] }',
  'redact.keys': 'a list of field names',
  'redact.patterns': 'a list of regular expressions',
  max_queued_lines: 'a whole number of at least 1',
};
