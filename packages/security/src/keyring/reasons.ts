import { KeyringUnavailableError } from '@localagent/errors';
import type { KeyringDriverName } from './backend.js';

/** Why a keyring is not usable, machine-readable; `KeyringProbeResult.reasonCode` carries one. */
export type KeyringReasonCode =
  'module-missing' | 'no-dbus' | 'no-secret-service' | 'locked' | 'timeout' | 'error';

interface ReasonText {
  reason: string;
  suggestion: string;
}

const FILE_HINT = 'or use `--storage file` (the encrypted file).';

const TEXTS: Record<KeyringReasonCode, (driver: KeyringDriverName) => ReasonText> = {
  'module-missing': (driver) => ({
    reason: `the ${moduleName(driver)} module is not installed or cannot be loaded on this platform`,
    suggestion: `Install it (\`npm install ${moduleName(driver)}\`${driver === 'keytar' ? '; on Linux it needs libsecret-1-dev to build' : ''}), choose the other driver, ${FILE_HINT}`,
  }),
  'no-dbus': () => ({
    reason: 'there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset or unreachable)',
    suggestion: `Run inside a desktop session or under \`dbus-run-session -- <command>\` with a Secret Service started, ${FILE_HINT}`,
  }),
  'no-secret-service': () => ({
    reason:
      'no Secret Service provider (gnome-keyring, KWallet, KeePassXC) answers on the D-Bus session',
    suggestion: `Install and start one, e.g. \`gnome-keyring-daemon --start --components=secrets\`, ${FILE_HINT}`,
  }),
  locked: () => ({
    reason: 'the keyring collection is locked',
    suggestion: `Unlock it (log in to the desktop session, or \`gnome-keyring-daemon --unlock\` with its password on stdin), ${FILE_HINT}`,
  }),
  timeout: () => ({
    reason:
      'the keyring did not answer in time (a hung Secret Service or an unanswered unlock prompt)',
    suggestion: `Unlock the keyring or restart the Secret Service and retry, ${FILE_HINT}`,
  }),
  error: () => ({
    reason: 'the keyring call failed',
    suggestion: `Check the keyring with \`localagent doctor\`, ${FILE_HINT}`,
  }),
};

export function moduleName(driver: KeyringDriverName): string {
  return driver === 'napi' ? '@napi-rs/keyring' : 'keytar';
}

export function reasonText(code: KeyringReasonCode, driver: KeyringDriverName): ReasonText {
  return TEXTS[code](driver);
}

// The messages of libdbus (@napi-rs/keyring's Entry), zbus (its findCredentials) and libsecret
// (keytar) for the same conditions; anything unrecognised is 'error'. Order matters: a locked
// collection's message can also mention the Secret Service.
const PATTERNS: ReadonlyArray<[KeyringReasonCode, RegExp]> = [
  ['locked', /locked|IsLocked|unlock prompt|prompt was dismissed/i],
  [
    'no-secret-service',
    /not provided by any \.service files|ServiceUnknown|org\.freedesktop\.secrets/i,
  ],
  [
    'no-dbus',
    /DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to (socket|address)|Could not connect|Connection refused|No such file or directory|dbus-daemon/i,
  ],
];

/** Classifies a driver's error message; the driver's own wording is kept in the error's cause. */
export function classifyKeyringMessage(message: string): KeyringReasonCode {
  for (const [code, pattern] of PATTERNS) if (pattern.test(message)) return code;
  return 'error';
}

export interface KeyringErrorInput {
  driver: KeyringDriverName;
  reasonCode: KeyringReasonCode;
  operation: string;
  /** The driver's own message, appended for the user (masked by the error class). */
  detail?: string | undefined;
  cause?: unknown;
}

/** The error every failed or timed-out keyring call rejects with: the reason, what to do, and the code. */
export function keyringError(input: KeyringErrorInput): KeyringUnavailableError {
  const { reason, suggestion } = reasonText(input.reasonCode, input.driver);
  const detail = input.detail !== undefined && input.detail !== '' ? ` (${input.detail})` : '';
  return new KeyringUnavailableError({
    message: `Keyring ${input.operation} through ${moduleName(input.driver)} failed: ${reason}${detail}.`,
    suggestion,
    ...(input.reasonCode === 'timeout' ? { code: 'LA_KEYRING_TIMEOUT', retryable: true } : {}),
    details: {
      driver: input.driver,
      reasonCode: input.reasonCode,
      operation: input.operation,
      ...(input.detail !== undefined ? { driverMessage: input.detail } : {}),
    },
    cause: input.cause,
  });
}

/** The reason code and the driver's own message carried by an error from `keyringError`. */
export function keyringErrorReason(error: unknown): {
  reasonCode: KeyringReasonCode;
  driverMessage?: string;
} {
  if (
    KeyringUnavailableError.isInstance(error) &&
    typeof error.details === 'object' &&
    error.details !== null
  ) {
    const { reasonCode, driverMessage } = error.details as {
      reasonCode?: unknown;
      driverMessage?: unknown;
    };
    if (typeof reasonCode === 'string' && reasonCode in TEXTS) {
      return {
        reasonCode: reasonCode as KeyringReasonCode,
        ...(typeof driverMessage === 'string' ? { driverMessage } : {}),
      };
    }
  }
  return {
    reasonCode: 'error',
    driverMessage: error instanceof Error ? error.message : String(error),
  };
}
