import type { KeyringBackend, KeyringProbeResult } from '../../src/keyring/backend';

/**
 * An in-memory KeyringBackend for the manager's unit tests. The real drivers are tested against a
 * real Secret Service in the keyring tests; here only the manager's use of the interface matters.
 */
export class MemoryKeyring implements KeyringBackend {
  readonly driver = 'napi' as const;
  readonly items = new Map<string, string>();
  calls = 0;
  failWith: Error | undefined;

  constructor(private readonly probeResult: Partial<KeyringProbeResult> = { usable: true }) {}

  probe(): Promise<KeyringProbeResult> {
    this.calls += 1;
    return Promise.resolve({ driver: this.driver, usable: false, ...this.probeResult });
  }

  #check(): void {
    this.calls += 1;
    if (this.failWith !== undefined) throw this.failWith;
  }

  async get(service: string, account: string): Promise<string | undefined> {
    this.#check();
    return this.items.get(`${service}/${account}`);
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    this.#check();
    this.items.set(`${service}/${account}`, secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    this.#check();
    return this.items.delete(`${service}/${account}`);
  }

  async list(service: string): Promise<string[]> {
    this.#check();
    return [...this.items.keys()]
      .filter((k) => k.startsWith(`${service}/`))
      .map((k) => k.slice(service.length + 1));
  }
}

/** A backend whose every call fails the test: for paths that must not touch the keyring. */
export function untouchableKeyring(): KeyringBackend {
  const fail = (): never => {
    throw new Error('the keyring was touched');
  };
  return { driver: 'napi', probe: fail, get: fail, set: fail, delete: fail, list: fail };
}
