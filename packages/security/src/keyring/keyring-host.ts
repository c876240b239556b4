import { spawn, type ChildProcess } from 'node:child_process';
import { KeyringUnavailableError } from '@localagent/errors';
import type { KeyringDriverName } from './backend.js';
import { helperEnvironment } from './helper-env.js';
import { HOST_SOURCE } from './host-source.js';
import { classifyKeyringMessage, keyringError, type KeyringReasonCode } from './reasons.js';

export type HostOperation = 'probe' | 'get' | 'set' | 'delete' | 'list';

/** How the driver message of a call starts when the helper died under it (a crash in native code). */
export const HELPER_EXITED = 'the keyring helper exited';

export interface KeyringHostOptions {
  driver: KeyringDriverName;
  /** Resolves the driver module's absolute path; throwing means the module is missing. */
  resolveModule: () => string;
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
}

interface Pending {
  operation: HostOperation;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type HostMessage =
  | { type: 'ready' }
  | { type: 'load-error'; message: string }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string };

/**
 * One long-lived helper process per backend that runs the native keyring calls (see
 * host-source.ts for why). Every call is bounded by `timeoutMs`, spawn included; on a timeout the
 * helper is killed (SIGKILL) and the next call starts a fresh one. The helper never keeps the
 * parent alive: it is unref'd, and it exits when the parent's IPC channel closes.
 */
export class KeyringHost {
  readonly #o: KeyringHostOptions;
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #loadError: { reasonCode: KeyringReasonCode; message: string } | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: KeyringHostOptions) {
    this.#o = options;
  }

  /** Runs one operation in the helper; rejects with KeyringUnavailableError (LA_KEYRING_TIMEOUT on timeout). */
  call(
    operation: HostOperation,
    args: { service?: string; account?: string; secret?: string } = {},
    timeoutMs: number = this.#o.timeoutMs,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => this.#timedOut(id), timeoutMs);
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T): void => {
          clearTimeout(timer);
          this.#pending.delete(id);
          fn(value);
        };
      this.#pending.set(id, {
        operation,
        timeoutMs,
        resolve: settle(resolve),
        reject: settle(reject),
      });
      this.#start()
        .then(() => {
          // the call may have timed out or failed while the helper was starting
          if (!this.#pending.has(id)) return;
          this.#child?.send({ id, op: operation, ...args });
        })
        .catch((error: unknown) => {
          // a helper that died between 'ready' and send() makes send throw a plain error
          const reason = KeyringUnavailableError.isInstance(error)
            ? error
            : this.#error(operation, 'error', (error as Error).message, error);
          this.#pending.get(id)?.reject(reason);
        });
    });
  }

  /** Kills the helper (pending calls reject). Safe to call twice; a later call starts a new helper. */
  close(): void {
    this.#stop('error', 'the keyring helper was closed');
  }

  #error(operation: string, reasonCode: KeyringReasonCode, detail: string, cause?: unknown): Error {
    return keyringError({ driver: this.#o.driver, reasonCode, operation, detail, cause });
  }

  #start(): Promise<void> {
    if (this.#loadError !== undefined) {
      const { reasonCode, message } = this.#loadError;
      return Promise.reject(this.#error('load', reasonCode, message));
    }
    if (this.#ready !== undefined) return this.#ready;
    let modulePath: string;
    try {
      modulePath = this.#o.resolveModule();
    } catch (error) {
      this.#loadError = {
        reasonCode: 'module-missing',
        message: (error as Error).message.split('\n')[0] ?? '',
      };
      return this.#start();
    }
    const child = spawn(process.execPath, ['-e', HOST_SOURCE, this.#o.driver, modulePath], {
      // a minimal environment: no master password or other keys in the helper's /proc/<pid>/environ
      env: helperEnvironment(this.#o.env),
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    child.unref();
    child.channel?.unref();
    this.#ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: HostMessage) => {
        if ('type' in message) {
          if (message.type === 'ready') resolve();
          else {
            // a native module that fails to load will fail again: remember it, do not respawn
            this.#loadError = {
              reasonCode: 'module-missing',
              message: message.message.split('\n')[0] ?? '',
            };
            reject(this.#error('load', 'module-missing', this.#loadError.message));
          }
          return;
        }
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        if (message.ok) pending.resolve(message.value);
        else
          pending.reject(
            this.#error(
              pending.operation,
              classifyKeyringMessage(message.message),
              message.message,
            ),
          );
      });
      child.on('error', (error) => {
        reject(
          this.#error(
            'start',
            'error',
            `the keyring helper could not start: ${error.message}`,
            error,
          ),
        );
        this.#stop('error', `the keyring helper failed: ${error.message}`, child);
      });
      child.on('exit', (code, signal) => {
        reject(
          this.#error(
            'start',
            'error',
            `the keyring helper exited before it was ready (code ${code}, signal ${signal})`,
          ),
        );
        this.#stop('error', `${HELPER_EXITED} (code ${code}, signal ${signal})`, child);
      });
    });
    return this.#ready;
  }

  #timedOut(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.reject(
      this.#error(pending.operation, 'timeout', `no answer within ${pending.timeoutMs} ms`),
    );
    // the helper is stuck in a native call: kill it, and every call queued behind it times out too
    this.#stop('timeout', `no answer within ${pending.timeoutMs} ms`);
  }

  /** Forgets the helper (killing it if alive) and rejects every pending call. `only` ignores a stale helper's events. */
  #stop(reasonCode: KeyringReasonCode, detail: string, only?: ChildProcess): void {
    if (only !== undefined && only !== this.#child) return;
    const child = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
    for (const pending of [...this.#pending.values()])
      pending.reject(this.#error(pending.operation, reasonCode, detail));
  }
}
