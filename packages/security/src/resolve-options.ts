import { join } from 'node:path';
import { CONFIG_FILE_NAME, defaultConfigDir, loadConfig, type Env } from '@localagent/config';
import { ConfigurationError } from '@localagent/errors';
import { securityConfigSection, storageModeOf, type SecurityConfig } from './config-section.js';
import { EncryptionService, type Secret } from './encryption-service.js';
import { environment } from './environment.js';
import type { KeyringBackend, KeyringDriverName } from './keyring/backend.js';
import { stderrLogger, type SecurityLogger } from './logger.js';
import { AUDIT_FILE_NAME, KEY_FILE_NAME, STORAGE_MODES, type StorageMode } from './option-names.js';

export type { StorageMode };
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
  /** The `security:` section, already loaded (with `loadConfig` from @localagent/config, once for every section); config.yaml is then not read. */
  config?: SecurityConfig | undefined;
  /** Path of config.yaml (default: `<configDir>/config.yaml` when it exists); `false` skips the file. */
  configFile?: string | false | undefined;
  /** Overrides config.yaml's `security.encryption` for new files. */
  encryption?:
    | { keyDerivation?: 'PBKDF2' | 'scrypt' | undefined; iterations?: number | undefined }
    | undefined;
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

function storageFromEnv(value: string | undefined): StorageMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((STORAGE_MODES as readonly string[]).includes(value)) return value as StorageMode;
  throw new ConfigurationError({
    message: `LOCALAGENT_STORAGE must be one of: ${STORAGE_MODES.join(', ')} (got ${JSON.stringify(value)}).`,
    details: { variable: 'LOCALAGENT_STORAGE', allowed: [...STORAGE_MODES] },
  });
}

/**
 * The `security:` section the options select, loaded once: the one given (`config`, already loaded
 * by the caller with the other sections), else `configFile` (which must exist), else
 * `<configDir>/config.yaml` when it exists, else the defaults; with `configFile: false` no file is
 * read.
 */
export function securityConfigFor(
  options: SecureKeyManagerOptions,
  configDir: string,
  env: Env,
  logger?: SecurityLogger,
): SecurityConfig {
  if (options.config !== undefined) return options.config;
  const loaded = loadConfig({
    file:
      options.configFile === false
        ? undefined
        : (options.configFile ?? join(configDir, CONFIG_FILE_NAME)),
    optional: options.configFile === undefined,
    env,
    sections: { security: securityConfigSection },
  });
  // old field names are worth a warning; an unknown section may be another program's (a shared file)
  for (const { kind, message } of loaded.warnings)
    if (kind === 'renamed_field') logger?.warning(message);
  return loaded.sections.security;
}

/**
 * Resolves everything once: explicit options win over environment variables, which win over
 * config.yaml, which wins over the defaults.
 */
export function resolveOptions(options: SecureKeyManagerOptions): ResolvedOptions {
  const env = environment(options.env);
  const configDir = options.configDir ?? defaultConfigDir(env);
  const logger = options.logger ?? stderrLogger;
  const config = securityConfigFor(options, configDir, env, logger);
  // an explicit option wins, so a bad LOCALAGENT_STORAGE only matters when it is used
  const storage =
    options.storage ?? storageFromEnv(env['LOCALAGENT_STORAGE']) ?? storageModeOf(config);
  if (!STORAGE_MODES.includes(storage)) {
    throw new ConfigurationError({
      message: `storage must be one of: ${STORAGE_MODES.join(', ')}.`,
      details: { allowed: [...STORAGE_MODES] },
    });
  }
  const keyDerivation = options.encryption?.keyDerivation ?? config.encryption.key_derivation;
  const iterations = options.encryption?.iterations ?? config.encryption.iterations;
  const encryption = new EncryptionService({
    kdf: keyDerivation === 'scrypt' ? 'scrypt' : { kdf: 'pbkdf2', iterations },
  });
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
    masterPassword:
      options.masterPassword ??
      (envPassword !== undefined && envPassword !== '' ? envPassword : undefined),
    logger,
    audit: options.audit ?? config.audit.enabled,
    config,
    encryption,
    fetch: options.fetch,
    lockStaleMs: options.lockStaleMs,
    now: options.now ?? (() => new Date()),
  };
}
