import { LocalAgentError, type LocalAgentErrorOptions } from './local-agent-error.js';

type Options = LocalAgentErrorOptions;

function make(
  options: Options,
  code: string,
  category: LocalAgentErrorOptions['category'],
  suggestion: string,
): Options {
  return {
    ...options,
    code: options.code ?? code,
    category: options.category ?? category,
    suggestion: options.suggestion ?? suggestion,
  };
}

/** Invalid configuration: a bad option, config file value or environment variable. */
export class ConfigurationError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.ConfigurationError');
  declare private readonly nominalConfigurationError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_CONFIG_INVALID',
        'user',
        'Fix the configuration value named above; run `localagent config validate` to check the file.',
      ),
    );
  }
}

/** No key is stored for this provider. */
export class KeyNotFoundError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.KeyNotFoundError');
  declare private readonly nominalKeyNotFoundError: never;
  constructor(options: Options & { provider?: string | undefined }) {
    const provider = options.provider ?? 'PROVIDER';
    super(
      make(
        options,
        'LA_KEY_NOT_FOUND',
        'user',
        `Run \`localagent config set-key ${provider}\` to store a key.`,
      ),
    );
  }
}

/** The key is malformed (empty, control characters, wrong format for the provider). Never echoes the key. */
export class InvalidKeyError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.InvalidKeyError');
  declare private readonly nominalInvalidKeyError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_KEY_INVALID',
        'user',
        "Copy the key again from the provider's dashboard, without quotes or spaces.",
      ),
    );
  }
}

/** Wrong master password or tampered data; deliberately does not say which. */
export class DecryptionError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.DecryptionError');
  declare private readonly nominalDecryptionError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_DECRYPTION_FAILED',
        'user',
        'Check the master password (LOCALAGENT_MASTER_PASSWORD); if it is right, the key file was modified or corrupted.',
      ),
    );
  }
}

/** No usable OS keyring (no Secret Service, locked, module missing, timeout). */
export class KeyringUnavailableError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for(
    'localagent.error.KeyringUnavailableError',
  );
  declare private readonly nominalKeyringUnavailableError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_KEYRING_UNAVAILABLE',
        'system',
        'Start a Secret Service (e.g. gnome-keyring) and unlock it, or use `--storage file`.',
      ),
    );
  }
}

/**
 * Two writers changed one key at the same time (two rotations): the other one won, and this one
 * changed nothing. `details.currentFingerprint` is the winner's key, by fingerprint.
 */
export class KeyConflictError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.KeyConflictError');
  declare private readonly nominalKeyConflictError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_KEY_CONFLICT',
        'user',
        'Another process changed this key while this one was rotating it; check `localagent config list-keys` and rotate again if needed.',
      ),
    );
  }
}

/** Reading or writing local state failed (permissions, disk full, corrupted file). */
export class StorageError extends LocalAgentError {
  static override readonly errorBrand: symbol = Symbol.for('localagent.error.StorageError');
  declare private readonly nominalStorageError: never;
  constructor(options: Options) {
    super(
      make(
        options,
        'LA_STORAGE_FAILED',
        'system',
        'Check the permissions and free space of the LocalAgent config directory (`localagent doctor`).',
      ),
    );
  }
}
