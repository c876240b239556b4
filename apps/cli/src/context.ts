/* eslint-disable @typescript-eslint/no-require-imports -- services load lazily with require(): esbuild keeps a required module unevaluated until the call, so start-up stays cheap (dynamic import() is not available under jest's CJS runtime). */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { PolicyRegistry } from '@localagent/resilience';
import type { SecureKeyManager } from '@localagent/security';
import type { CliIo } from './io.js';
import type { GlobalOptions, StorageKind } from './global-options.js';
import { isDebug } from './global-options.js';
import { Output, isColorEnabled } from './output.js';
import { resolveMasterPassword } from './secret-input.js';
import type { CliLogger } from './services/lazy-logger.js';

export const CONFIG_FILE = 'config.yaml';
export const BREAKER_STATE_FILE = 'breakers.json';

/** Where things live: the config dir holds keys, config and audit log; the cache dir holds breaker state. */
export interface CliPaths {
  /** True when the user chose it (flag or env), false for the platform default. */
  explicit: boolean;
  configDir: string;
  keyFile: string;
  configFile: string;
  auditLog: string;
  cacheDir: string;
  breakerState: string;
}

/**
 * `--config-dir` wins over LOCALAGENT_CONFIG_DIR, which wins over the platform default. When the
 * config dir is given explicitly the cache lives inside it (`<dir>/cache`), so one directory holds
 * a whole isolated installation (tests, demos, CI); otherwise the platform cache dir is used.
 */
export function resolvePaths(
  globals: Pick<GlobalOptions, 'configDir'>,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): CliPaths {
  const explicit = globals.configDir ?? nonEmpty(env['LOCALAGENT_CONFIG_DIR']);
  const defaults = platformDirs(env, platform);
  const configDir = explicit ?? defaults.config;
  const cacheDir = explicit === undefined ? defaults.cache : join(explicit, 'cache');
  return {
    explicit: explicit !== undefined,
    configDir,
    keyFile: join(configDir, 'keys.enc'),
    configFile: join(configDir, CONFIG_FILE),
    auditLog: join(configDir, 'audit.log'),
    cacheDir,
    breakerState: join(cacheDir, BREAKER_STATE_FILE),
  };
}

/**
 * The same default as @localagent/security: XDG dirs read from the given env on Linux (so a test's
 * env is honoured), env-paths elsewhere.
 */
function platformDirs(env: Record<string, string | undefined>, platform: NodeJS.Platform): { config: string; cache: string } {
  if (platform === 'linux') {
    const base = (name: string, fallback: string): string => join(nonEmpty(env[name]) ?? join(homedir(), fallback), 'localagent');
    return { config: base('XDG_CONFIG_HOME', '.config'), cache: base('XDG_CACHE_HOME', '.cache') };
  }
  const paths = envPaths('localagent', { suffix: '' });
  return { config: paths.config, cache: paths.cache };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The services one CLI run uses, created on first use (so `errors explain` never loads winston or the
 * key store) and closed once at the end, on success and on failure.
 */
export class CliContext {
  readonly output: Output;
  readonly paths: CliPaths;
  readonly debug: boolean;
  private loggerInstance: CliLogger | undefined;
  private keyManagerInstance: SecureKeyManager | undefined;
  private registryInstance: PolicyRegistry | undefined;
  private masterPassword: Promise<string> | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    this.debug = isDebug(globals.debug, io.env);
    this.output = new Output(io, { json: globals.json, quiet: globals.quiet, color: isColorEnabled(io) });
    this.paths = resolvePaths(globals, io.env);
  }

  get env(): Record<string, string | undefined> {
    return this.io.env;
  }

  /** One logger per run, configured from env + config.yaml + flags; always on stderr. */
  logger(): CliLogger {
    if (this.loggerInstance === undefined) {
      const { createCliLogger } = require('./services/logger.js') as typeof import('./services/logger.js');
      this.loggerInstance = createCliLogger(this);
    }
    return this.loggerInstance;
  }

  /** The resilience registry, with breaker state restored from the previous runs. */
  registry(): PolicyRegistry {
    if (this.registryInstance === undefined) {
      const { loadRegistry } = require('./services/registry.js') as typeof import('./services/registry.js');
      this.registryInstance = loadRegistry(this.paths.breakerState, this.logger());
    }
    return this.registryInstance;
  }

  /** One key manager per run. */
  async keyManager(options: { storage?: StorageKind | undefined; liveCheckProvider?: string | undefined } = {}): Promise<SecureKeyManager> {
    if (this.keyManagerInstance === undefined) {
      const { createKeyManager } = require('./services/key-manager.js') as typeof import('./services/key-manager.js');
      this.keyManagerInstance = await createKeyManager(this, {
        storage: options.storage,
        liveCheckProvider: options.liveCheckProvider,
        // memoised: the key store may ask from two operations at once, and the user is asked once per run
        masterPassword: () => (this.masterPassword ??= resolveMasterPassword(this.io, { creating: !existsSync(this.paths.keyFile) })),
      });
    }
    return this.keyManagerInstance;
  }

  /** Closes what was opened, key manager first (it logs), logger last, so no line is lost. */
  async close(): Promise<void> {
    const failures: unknown[] = [];
    if (this.keyManagerInstance !== undefined) {
      try {
        await this.keyManagerInstance.close();
      } catch (error) {
        failures.push(error);
      }
      this.keyManagerInstance = undefined;
    }
    if (this.registryInstance !== undefined) {
      try {
        saveRegistry(this.paths.breakerState, this.registryInstance);
      } catch (error) {
        // the breaker state is a cache: losing it must not fail a command that otherwise worked
        this.logger().warning('Could not save the circuit-breaker state', { path: this.paths.breakerState, error: error as Error });
      }
      this.registryInstance = undefined;
    }
    if (this.loggerInstance !== undefined) {
      await this.loggerInstance.close().catch((error: unknown) => failures.push(error));
      this.loggerInstance = undefined;
    }
    if (failures.length > 0) throw failures[0];
  }
}

/** Breaker state is small JSON; written via a temp file + rename so a crash never leaves half a file. */
export function saveRegistry(path: string, registry: { toJSON(): unknown }): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(registry.toJSON()), { mode: 0o600 });
  renameSync(tmp, path);
}

/** The saved breaker state, or undefined when there is none or it is unreadable (it is only a cache). */
export function readBreakerState(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
