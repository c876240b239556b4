import type { ConfigSection, EnvOverride, SectionValidator } from '@localagent/config';
import type { FileOptions } from './file-transport.js';
import { LOGGING_ALLOWED_VALUES, loggingConfigSchema } from './config-schema.js';
import { LOG_FORMATS, type LogFormat } from './format-names.js';
import { validate } from './generated/config-validator.js';
import { LOG_LEVELS, type LogLevel } from './levels.js';
import type { LoggerOptions } from './logger.js';

export {
  LOG_FORMATS,
  LOG_LEVELS,
  LOGGING_ALLOWED_VALUES,
  loggingConfigSchema,
  type LogFormat,
  type LogLevel,
};
export { SEVERITY } from './levels.js';

interface LoggingSection {
  level?: LogLevel;
  format?: LogFormat;
  service?: string;
  console?: false | { stream: 'stderr' | 'stdout' };
  file?: string | FileSection;
  redact?: { keys?: string[]; patterns?: string[] };
  max_queued_lines?: number;
}

interface FileSection {
  path: string;
  max_size?: number | string;
  max_files?: number | string;
  frequency?: string;
  date_pattern?: string;
  zipped_archive?: boolean;
  audit_file?: string;
  utc?: boolean;
}

const lowerCase = (variable: string, field: string): EnvOverride => ({
  variable,
  apply: (section, value) => {
    section[field] = value.toLowerCase();
    return field;
  },
});

/** LOCALAGENT_LOG_LEVEL, LOCALAGENT_LOG_FORMAT and LOCALAGENT_LOG_FILE win over the file. */
const LOGGING_ENV: readonly EnvOverride[] = [
  lowerCase('LOCALAGENT_LOG_LEVEL', 'level'),
  lowerCase('LOCALAGENT_LOG_FORMAT', 'format'),
  {
    variable: 'LOCALAGENT_LOG_FILE',
    apply: (section, value) => {
      const file = section['file'];
      section['file'] =
        typeof file === 'object' && file !== null && !Array.isArray(file)
          ? { ...file, path: value }
          : value;
      return 'file';
    },
  },
];

function toFileOptions(file: string | FileSection): FileOptions {
  if (typeof file === 'string') return { path: file };
  const options: FileOptions = { path: file.path };
  if (file.max_size !== undefined) options.maxSize = file.max_size;
  if (file.max_files !== undefined) options.maxFiles = file.max_files;
  if (file.frequency !== undefined) options.frequency = file.frequency;
  if (file.date_pattern !== undefined) options.datePattern = file.date_pattern;
  if (file.zipped_archive !== undefined) options.zippedArchive = file.zipped_archive;
  if (file.audit_file !== undefined) options.auditFile = file.audit_file;
  if (file.utc !== undefined) options.utc = file.utc;
  return options;
}

/** The `logging:` section of config.yaml, for `loadConfig` from @localagent/config. */
export const loggingConfigSection: ConfigSection<LoggerOptions> = {
  schema: loggingConfigSchema,
  validate: validate as SectionValidator,
  allowed: LOGGING_ALLOWED_VALUES,
  renamed: {
    maxQueuedLines: 'max_queued_lines',
    'file.maxSize': 'max_size',
    'file.maxFiles': 'max_files',
    'file.datePattern': 'date_pattern',
    'file.zippedArchive': 'zipped_archive',
    'file.auditFile': 'audit_file',
  },
  env: LOGGING_ENV,
  resolve(raw, context) {
    const section = raw as LoggingSection;
    const options: LoggerOptions = {};
    if (section.level !== undefined) options.level = section.level;
    if (section.format !== undefined) options.format = section.format;
    if (section.service !== undefined) options.service = section.service;
    if (section.console !== undefined) options.console = section.console;
    if (section.file !== undefined) options.file = toFileOptions(section.file);
    if (section.max_queued_lines !== undefined) options.maxQueuedLines = section.max_queued_lines;
    if (section.redact !== undefined) {
      const patterns: RegExp[] = [];
      (section.redact.patterns ?? []).forEach((source, index) => {
        try {
          // eslint-disable-next-line security/detect-non-literal-regexp -- the operator's own masking pattern
          patterns.push(new RegExp(source, 'g'));
        } catch (error) {
          context.fail(
            `redact.patterns[${index}]`,
            `is not a valid regular expression (${(error as Error).message}); allowed: a list of regular expressions`,
          );
        }
      });
      options.redact = {
        ...(section.redact.keys === undefined ? {} : { keys: section.redact.keys }),
        ...(section.redact.patterns === undefined ? {} : { patterns }),
      };
    }
    return options;
  },
};
