import { join } from 'node:path';
import { ConfigurationError } from '@localagent/errors';
import { defaultConfigDir, type Env } from './config-dir.js';
import { EncryptionService, type Secret } from './encryption-service.js';
import type { KeyringBackend, KeyringDriverName } from './keyring/backend.js';
import { stderrLogger, type SecurityLogger } from './logger.js';
import { loadSecurityConfigSync, validateSecurityConfig, type SecurityConfig } from './security-config.js';

export type StorageMode = 'auto' | 'keyring' | 'file';
export type MasterPasswordSource = Secret | (() => Secret | Promise<Secret>);

export interface SecureKeyManagerOptions {
  /** Default: `LOCALAGENT_CONFIG_DIR`, else the platform config dir (env-paths). */
  configDir?: string | undefined;
  /** Default: `LOCALAGENT_STORAGE`, else config.yaml's `security.storage`, else `auto`. */
  storage?: StorageMode | undefined;
  /** Default: config.yaml's `security.keyring.driver`, else `napi`. */
  keyringDriver?: KeyringDriverName | undefined;
  /** A ready backend (tests, embedders); default: the configured driver, loaded lazily. */
  keyringBackend?: KeyringBackend | undefined;
  /** The encrypted file's password, or a callback asked once when the file is first needed (the CLI prompts). Default: `LOCALAGENT_MASTER_PASSWORD`. */
  masterPassword?: MasterPasswordSource | undefined;
  /** The environment to read overrides and settings from, instead of `process.env`. */
  env?: Env | undefined;
  /** Where warnings go (e.g. the keyring fallback). Default: one line on stderr. */
  logger?: SecurityLogger | undefined;
  /** Append every action to audit.log (default: config.yaml's `security.audit.enabled`, else true). */
  audit?: boolean | undefined;
  /** Path of config.yaml (default: `<configDir>/config.yaml` when it exists); `false` skips the file. */
  configFile?: string | false | undefined;
  /** Overrides config.yaml's `security.encryption` for new files. */
  encryption?: { keyDerivation?: 'PBKDF2' | 'scrypt' | undefined; iterations?: number | undefined } | undefined;
  /** `fetch` used by `validate: 'live'` (default: global fetch). */
  fetch?: typeof fetch | undefined;
  /** Age after which a key-file lock left by a dead process is taken over (default 10 s, minimum 2 s). */
  lockStaleMs?: number | undefined;
  /** Clock for audit lines and key timestamps. */
  now?: (() => Date) | undefined;
}

export interface ResolvedOptions {
  env: Env;
  configDir: string;
  keyFilePath: string;
  auditLogPath: string;
  storage: StorageMode;
  keyringDriver: KeyringDriverName;
  keyringTimeoutMs: number;
  keyringBackend: KeyringBackend | undefined;
  masterPassword: MasterPasswordSource | undefined;
  logger: SecurityLogger;
  audit: boolean;
  config: SecurityConfig;
  encryption: EncryptionService;
  fetch: typeof fetch | undefined;
  lockStaleMs: number | undefined;
  now: () => Date;
}

export const KEY_FILE_NAME = 'keys.enc';
export const AUDIT_FILE_NAME = 'audit.log';
const STORAGE_MODES: readonly StorageMode[] = ['auto', 'keyring', 'file'];

function storageFromEnv(value: string | undefined): StorageMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((STORAGE_MODES as readonly string[]).includes(value)) return value as StorageMode;
  throw new ConfigurationError({
    message: `LOCALAGENT_STORAGE must be one of: ${STORAGE_MODES.join(', ')}.`,
    details: { variable: 'LOCALAGENT_STORAGE', allowed: [...STORAGE_MODES] },
  });
}

function storageFromConfig(config: SecurityConfig): StorageMode {
  if (config.storage.primary === 'encrypted_file') return 'file';
  return config.storage.fallback === 'none' ? 'keyring' : 'auto';
}

/**
 * The validated `security:` section the options select: none with `configFile: false`, the named
 * file (which must exist), else `<configDir>/config.yaml` when it exists, else the defaults.
 */
export function securityConfigFor(options: SecureKeyManagerOptions, configDir: string): SecurityConfig {
  if (options.configFile === false) return validateSecurityConfig(undefined);
  return loadSecurityConfigSync(options.configFile ?? join(configDir, 'config.yaml'), { optional: options.configFile === undefined });
}

/**
 * Resolves everything once: explicit options win over environment variables, which win over
 * config.yaml, which wins over the defaults.
 */
export function resolveOptions(options: SecureKeyManagerOptions): ResolvedOptions {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? defaultConfigDir(env);
  const config = securityConfigFor(options, configDir);
  const storage = options.storage ?? storageFromEnv(env['LOCALAGENT_STORAGE']) ?? storageFromConfig(config);
  if (!STORAGE_MODES.includes(storage)) {
    throw new ConfigurationError({ message: `storage must be one of: ${STORAGE_MODES.join(', ')}.`, details: { allowed: [...STORAGE_MODES] } });
  }
  const keyDerivation = options.encryption?.keyDerivation ?? config.encryption.key_derivation;
  const iterations = options.encryption?.iterations ?? config.encryption.iterations;
  const encryption = new EncryptionService({ kdf: keyDerivation === 'scrypt' ? 'scrypt' : { kdf: 'pbkdf2', iterations } });
  const envPassword = env['LOCALAGENT_MASTER_PASSWORD'];
  return {
    env,
    configDir,
    keyFilePath: join(configDir, KEY_FILE_NAME),
    auditLogPath: join(configDir, AUDIT_FILE_NAME),
    storage,
    keyringDriver: options.keyringDriver ?? config.keyring.driver,
    keyringTimeoutMs: config.keyring.timeout_ms,
    keyringBackend: options.keyringBackend,
    masterPassword: options.masterPassword ?? (envPassword !== undefined && envPassword !== '' ? envPassword : undefined),
    logger: options.logger ?? stderrLogger,
    audit: options.audit ?? config.audit.enabled,
    config,
    encryption,
    fetch: options.fetch,
    lockStaleMs: options.lockStaleMs,
    now: options.now ?? (() => new Date()),
  };
}
