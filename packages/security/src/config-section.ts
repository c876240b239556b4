import type { ConfigSection, SectionSchema, SectionValidator } from '@localagent/config';
import { schema, validate } from './generated/config-validator.js';
import type { StorageMode } from './option-names.js';
import { PROVIDERS, type CustomProviderConfig } from './providers.js';

export {
  AUDIT_FILE_NAME,
  KEY_FILE_NAME,
  STORAGE_MODES,
  VALIDATION_MODES,
  type StorageMode,
  type ValidationMode,
} from './option-names.js';
export { PROVIDER_NAME_PATTERN, isValidProviderName } from './provider-name.js';
export {
  MIN_MASTER_PASSWORD_LENGTH,
  isAcceptableNewMasterPassword,
  assertNewMasterPassword,
} from './password-policy.js';

/** The providers known without any configuration (`openai`, `anthropic`, …). */
export const BUILT_IN_PROVIDERS: readonly string[] = Object.keys(PROVIDERS);

/** The validated `security:` section of config.yaml, defaults applied. */
export interface SecurityConfig {
  encryption: { algorithm: 'AES-256-GCM'; key_derivation: 'PBKDF2' | 'scrypt'; iterations: number };
  storage: { primary: 'keyring' | 'encrypted_file'; fallback: 'encrypted_file' | 'none' };
  keyring: { driver: 'napi' | 'keytar'; timeout_ms: number };
  audit: { enabled: boolean };
  providers: Record<string, CustomProviderConfig>;
  /** Where `validate: 'live'` may send a key besides each provider's own host; absent when not configured. */
  live_check?: { allowed_hosts?: string[] | undefined } | undefined;
}

/**
 * The schema shipped as config/security_schema.yaml, parsed at build time by
 * scripts/compile-validators.ts (with the validator beside it), so no YAML is parsed at start-up.
 */
export const SECURITY_SCHEMA: Readonly<Record<string, unknown>> = schema as Record<string, unknown>;

/** The storage mode `security.storage` describes (LOCALAGENT_STORAGE and the `storage` option win over it). */
export function storageModeOf(config: SecurityConfig): StorageMode {
  if (config.storage.primary === 'encrypted_file') return 'file';
  return config.storage.fallback === 'none' ? 'keyring' : 'auto';
}

/** The `security:` section of config.yaml, for `loadConfig` from @localagent/config. */
export const securityConfigSection: ConfigSection<SecurityConfig> = {
  schema: schema as SectionSchema,
  validate: validate as SectionValidator,
  keyNames: { providers: 'provider name' },
  allowed: {
    providers: "custom providers keyed by name: lower-case letters, digits, '-' and '_'",
  },
  resolve: (section) => section as unknown as SecurityConfig,
};
