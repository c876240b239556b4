export { SecureKeyManager, KEYRING_SERVICE } from './secure-key-manager.js';
export type {
  KeyInfo,
  KeyInventory,
  KeySource,
  KeyWriteResult,
  SecurityStatus,
  StoreKeyOptions,
  UnavailableStore,
  ValidationMode,
} from './secure-key-manager.js';
export type { KeyStore, StoreEntry, StoreListing, StoreProbe } from './stores/key-store.js';
export { MAX_KEY_FILE_BYTES } from './stores/encrypted-file-store.js';
export {
  assertNewMasterPassword,
  isAcceptableNewMasterPassword,
  MIN_MASTER_PASSWORD_LENGTH,
} from './password-policy.js';
export {
  startUnlockAgent,
  requestUnlockedKey,
  stopUnlockAgent,
  unlockAgentStatus,
  unlockSocketPath,
  parseTtl,
  MAX_UNLOCK_TTL_MS,
  MIN_UNLOCK_TTL_MS,
} from './unlock/index.js';
export type {
  StartUnlockAgentOptions,
  UnlockAgent,
  UnlockEntry,
  UnlockAgentStatus,
  UnlockAgentTarget,
} from './unlock/index.js';
export type {
  SecureKeyManagerOptions,
  StorageMode,
  MasterPasswordSource,
} from './resolve-options.js';
export { getApiKey } from './get-api-key.js';
export {
  EncryptionService,
  DEFAULT_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
  DEFAULT_SCRYPT_PARAMS,
} from './encryption-service.js';
export type { EncryptionServiceOptions, KdfParams, Secret } from './encryption-service.js';
export { KDF_LIMITS } from './envelope.js';
export { PROVIDERS, isValidProviderName, baseUrlEnvVar } from './providers.js';
export type { ProviderInfo, ProviderAuthScheme, CustomProviderConfig } from './providers.js';
export { validateKeyFormat, fingerprint, MAX_KEY_LENGTH } from './key-format.js';
export { verifyAuditLog, AUDIT_GENESIS } from './audit-log.js';
export type { AuditVerification, AuditAction, AuditOutcome } from './audit-log.js';
export { loadSecurityConfig, SECURITY_SCHEMA } from './security-config.js';
export type { SecurityConfig } from './security-config.js';
export {
  BUILT_IN_PROVIDERS,
  securityConfigSection,
  storageModeOf,
  STORAGE_MODES,
  VALIDATION_MODES,
  KEY_FILE_NAME,
  AUDIT_FILE_NAME,
  PROVIDER_NAME_PATTERN,
} from './config-section.js';
export type { SecurityLogger } from './logger.js';
export type { PermissionReport } from './permissions.js';
export type {
  KeyringBackend,
  KeyringBackendOptions,
  KeyringDriverName,
  KeyringProbeResult,
} from './keyring/backend.js';
export {
  loadKeyringBackend,
  HostedKeyringBackend,
  NapiKeyringBackend,
  KeytarKeyringBackend,
  DEFAULT_KEYRING_TIMEOUT_MS,
} from './keyring/index.js';
export type { HostedKeyringBackendOptions, KeyringReasonCode } from './keyring/index.js';
