import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { ConfigurationError } from '@localagent/errors';
import { ALLOWED_VALUES, loggingConfigSchema } from './config-schema.js';
import type { FileOptions } from './file-transport.js';
import type { LogFormat } from './formats.js';
import type { LogLevel } from './levels.js';
import type { LoggerOptions } from './logger.js';

export interface LoadLoggingConfigOptions {
  /** Default `process.env`. Reads LOCALAGENT_LOG_LEVEL, LOCALAGENT_LOG_FORMAT, LOCALAGENT_LOG_FILE. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** A YAML config file whose `logging:` section is read; a missing file counts as empty. */
  file?: string | undefined;
}

interface LoggingSection {
  level?: LogLevel;
  format?: LogFormat;
  service?: string;
  console?: false | { stream: 'stderr' | 'stdout' };
  file?: string | FileOptions;
  redact?: { keys?: string[]; patterns?: string[] };
  maxQueuedLines?: number;
}

const ENV_FIELDS = [
  ['LOCALAGENT_LOG_LEVEL', 'level'],
  ['LOCALAGENT_LOG_FORMAT', 'format'],
] as const;

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Logger options from the config file's `logging:` section and the environment (which wins),
 * validated against the package's JSON Schema. Invalid values throw a ConfigurationError that
 * names the field, where it came from and the allowed values.
 */
export function loadLoggingConfig(options: LoadLoggingConfigOptions = {}): LoggerOptions {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  const section = options.file === undefined ? {} : readSection(options.file);
  for (const key of Object.keys(section)) sources.set(key, `${options.file as string} (logging.${key})`);

  const merged: Record<string, unknown> = { ...section };
  for (const [name, field] of ENV_FIELDS) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    merged[field] = value.toLowerCase();
    sources.set(field, name);
  }
  const envFile = env.LOCALAGENT_LOG_FILE?.trim();
  if (envFile !== undefined && envFile !== '') {
    merged.file = typeof merged.file === 'object' && merged.file !== null ? { ...merged.file, path: envFile } : envFile;
    sources.set('file', 'LOCALAGENT_LOG_FILE');
  }

  validator ??= new Ajv({ allErrors: true, strict: true }).compile(loggingConfigSchema);
  if (!validator(merged)) throw invalid(validator.errors ?? [], merged, sources);
  return toLoggerOptions(merged as LoggingSection, sources, options.env);
}

function readSection(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigurationError({ message: `Cannot read the config file ${path}: ${(error as Error).message}`, cause: error });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigurationError({ message: `The config file ${path} is not valid YAML: ${(error as Error).message}`, cause: error });
  }
  if (document === null || document === undefined) return {};
  const logging = typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>).logging : document;
  if (logging === undefined || logging === null) return {};
  if (typeof logging !== 'object' || Array.isArray(logging)) {
    throw new ConfigurationError({
      message: `Invalid logging configuration in ${path}: logging must be ${ALLOWED_VALUES['']}`,
      details: { field: 'logging' },
    });
  }
  return logging as Record<string, unknown>;
}

function invalid(errors: ErrorObject[], value: Record<string, unknown>, sources: Map<string, string>): ConfigurationError {
  // the deepest error is the most specific one (oneOf reports every branch it tried)
  const error = [...errors].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0] as ErrorObject;
  const segments = error.instancePath.split('/').filter((s) => s !== '');
  if (error.keyword === 'additionalProperties') segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
  const field = segments.filter((s) => !/^\d+$/.test(s)).join('.');
  const got = segments.reduce<unknown>((v, s) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[s] : undefined), value);
  const allowed =
    error.keyword === 'additionalProperties'
      ? `known fields: ${knownFields(segments.slice(0, -1))}`
      : `allowed: ${ALLOWED_VALUES[field] ?? error.message ?? 'see the schema'}`;
  const source = sources.get(segments[0] ?? '') ?? 'configuration';
  const what = error.keyword === 'additionalProperties' ? 'is not a known field' : `is invalid (got ${JSON.stringify(got)})`;
  return new ConfigurationError({
    message: `Invalid logging configuration: logging.${field} ${what}; ${allowed}. Set in ${source}.`,
    details: { field: `logging.${field}`, source },
  });
}

function depth(error: ErrorObject): number {
  return error.instancePath.split('/').length + (error.keyword === 'additionalProperties' ? 1 : 0);
}

function rank(error: ErrorObject): number {
  return error.keyword === 'oneOf' ? 1 : 0;
}

function knownFields(path: string[]): string {
  if (path[0] === 'file') return 'path, maxSize, maxFiles, frequency, datePattern, zippedArchive, auditFile, utc';
  if (path[0] === 'redact') return 'keys, patterns';
  if (path[0] === 'console') return 'stream';
  return Object.keys(loggingConfigSchema.properties).join(', ');
}

function toLoggerOptions(section: LoggingSection, sources: Map<string, string>, env: LoadLoggingConfigOptions['env']): LoggerOptions {
  const options: LoggerOptions = {};
  if (section.level !== undefined) options.level = section.level;
  if (section.format !== undefined) options.format = section.format;
  if (section.service !== undefined) options.service = section.service;
  if (section.console !== undefined) options.console = section.console;
  if (section.file !== undefined) options.file = typeof section.file === 'string' ? { path: section.file } : section.file;
  if (section.maxQueuedLines !== undefined) options.maxQueuedLines = section.maxQueuedLines;
  if (section.redact !== undefined) {
    options.redact = {
      ...(section.redact.keys === undefined ? {} : { keys: section.redact.keys }),
      ...(section.redact.patterns === undefined ? {} : { patterns: section.redact.patterns.map((p, i) => toRegExp(p, i, sources)) }),
    };
  }
  if (env !== undefined) options.env = env;
  return options;
}

function toRegExp(source: string, index: number, sources: Map<string, string>): RegExp {
  try {
    // eslint-disable-next-line security/detect-non-literal-regexp -- the operator's own masking pattern
    return new RegExp(source, 'g');
  } catch (error) {
    const from = sources.get('redact') ?? 'configuration';
    throw new ConfigurationError({
      message: `Invalid logging configuration: logging.redact.patterns[${index}] is not a valid regular expression (${(error as Error).message}); allowed: ${ALLOWED_VALUES['redact.patterns']}. Set in ${from}.`,
      details: { field: `logging.redact.patterns[${index}]`, source: from },
    });
  }
}
