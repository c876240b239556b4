import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { ConfigurationError } from '@localagent/errors';
import schemaText from '../config/security_schema.yaml';
import { defaultConfigDir } from './config-dir.js';
import type { CustomProviderConfig } from './providers.js';

/** The validated `security:` section of config.yaml, defaults applied. */
export interface SecurityConfig {
  encryption: { algorithm: 'AES-256-GCM'; key_derivation: 'PBKDF2' | 'scrypt'; iterations: number };
  storage: { primary: 'keyring' | 'encrypted_file'; fallback: 'encrypted_file' | 'none' };
  keyring: { driver: 'napi' | 'keytar'; timeout_ms: number };
  audit: { enabled: boolean };
  providers: Record<string, CustomProviderConfig>;
}

/** The schema shipped as config/security_schema.yaml, parsed. */
export const SECURITY_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze(parse(schemaText) as Record<string, unknown>);

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, useDefaults: true, strict: false }).compile(SECURITY_SCHEMA);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

function describe(error: ErrorObject): string {
  const path = `security${error.instancePath.replace(/\//g, '.')}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `${path} must be one of: ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'additionalProperties':
      return `${path} has an unknown field "${String(params['additionalProperty'])}"`;
    case 'propertyNames':
      return `${path} has an invalid provider name "${String(params['propertyName'])}" (lower-case letters, digits, '-' and '_')`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Validates a parsed `security:` section (or `undefined`) and applies the defaults.
 * Throws `ConfigurationError` listing every problem, each with its path and the allowed values.
 */
export function validateSecurityConfig(section: unknown, source = 'config.yaml'): SecurityConfig {
  const value: unknown = section === undefined || section === null ? {} : structuredClone(section);
  const errors = validate(value).filter((e) => e.keyword !== 'if' && !(e.keyword === 'pattern' && e.propertyName !== undefined));
  if (errors.length > 0) {
    const problems = [...new Set(errors.map(describe))];
    throw new ConfigurationError({
      message: `Invalid security settings in ${source}: ${problems.join('; ')}.`,
      details: { source, problems },
    });
  }
  return value as SecurityConfig;
}

/**
 * Reads the `security:` section of a config.yaml (default: config.yaml in the config directory)
 * and returns it validated, with defaults. A missing default file yields the defaults; a missing
 * explicit path is an error.
 */
export async function loadSecurityConfig(path?: string): Promise<SecurityConfig> {
  return loadSecurityConfigSync(path);
}

export function loadSecurityConfigSync(path?: string, options: { optional?: boolean } = {}): SecurityConfig {
  const file = path ?? join(defaultConfigDir(process.env), 'config.yaml');
  const optional = options.optional ?? path === undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && optional) return validateSecurityConfig(undefined, file);
    throw new ConfigurationError({ message: `Cannot read the config file ${file}.`, cause: error, details: { source: file } });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigurationError({ message: `${file} is not valid YAML: ${(error as Error).message}`, cause: error, details: { source: file } });
  }
  if (document !== null && document !== undefined && (typeof document !== 'object' || Array.isArray(document))) {
    throw new ConfigurationError({ message: `${file} must contain a mapping (key: value pairs) at the top level.`, details: { source: file } });
  }
  return validateSecurityConfig((document as Record<string, unknown> | null)?.['security'], file);
}
