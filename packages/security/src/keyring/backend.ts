/**
 * The small interface every OS keyring driver implements. The manager never talks to a native
 * module directly: it asks a backend, and every call on a backend is bounded by a timeout
 * (a hung Secret Service must not hang the CLI).
 */
export type KeyringDriverName = 'napi' | 'keytar';

export interface KeyringProbeResult {
  /** True only after a write/read/delete round trip succeeded. */
  usable: boolean;
  driver: KeyringDriverName;
  /** Why it is not usable, in the user's words (module missing, no D-Bus session, locked, timeout…). */
  reason?: string;
  /** Machine-readable reason: 'module-missing' | 'no-dbus' | 'no-secret-service' | 'locked' | 'timeout' | 'error'. */
  reasonCode?: string;
}

export interface KeyringBackend {
  readonly driver: KeyringDriverName;
  /** Write, read back and delete a throwaway item; never throws. */
  probe(): Promise<KeyringProbeResult>;
  /** `undefined` when there is no item; throws KeyringUnavailableError on failure or timeout ("unknown" is not "absent"). */
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** Resolves true when an item was removed, false when there was none. */
  delete(service: string, account: string): Promise<boolean>;
  /** Accounts stored under `service`. */
  list(service: string): Promise<string[]>;
}

export interface KeyringBackendOptions {
  /** Per-call timeout; default 3000 ms. */
  timeoutMs?: number;
  /**
   * The environment the driver sees (DBUS_SESSION_BUS_ADDRESS and friends on Linux); default
   * `process.env`. The manager passes its own `env` so a test or embedder controls which D-Bus
   * session is used.
   */
  env?: Readonly<Record<string, string | undefined>>;
}
