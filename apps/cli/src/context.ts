/* eslint-disable @typescript-eslint/no-require-imports -- services load lazily with require(): esbuild keeps a required module unevaluated until the call, so start-up stays cheap (dynamic import() is not available under jest's CJS runtime). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE_NAME, defaultCacheDir, defaultConfigDir } from '@localagent/config';
import type { PolicyRegistry } from '@localagent/resilience';
import type { SecureKeyManager } from '@localagent/security';
import { AUDIT_FILE_NAME, KEY_FILE_NAME } from '@localagent/security/config';
import type { CliIo } from './io.js';
import type { GlobalOptions, StorageMode } from './global-options.js';
import { isDebug } from './global-options.js';
import { Output, isColorEnabled } from './output.js';
import type { CliConfig } from './services/config.js';
import type { CliLogger } from './services/lazy-logger.js';

export const BREAKER_STATE_FILE = 'breakers.json';

/** Creates the run's context for the command being run (the program's global options apply). */
export type OpenContext = (command: Command) => CliContext;

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
 * `--config-dir` wins over LOCALAGENT_CONFIG_DIR, which wins over the platform default (the same
 * rules as the packages: @localagent/config's defaultConfigDir). When the config dir is given
 * explicitly the cache lives inside it (`<dir>/cache`), so one directory holds a whole isolated
 * installation (tests, demos, CI); otherwise the platform cache dir is used.
 */
export function resolvePaths(
  globals: Pick<GlobalOptions, 'configDir'>,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): CliPaths {
  const flag = globals.configDir === '' ? undefined : globals.configDir;
  const configDir = flag ?? defaultConfigDir(env, platform);
  const cacheDir = defaultCacheDir(env, flag, platform);
  return {
    explicit: flag !== undefined || (env['LOCALAGENT_CONFIG_DIR'] ?? '') !== '',
    configDir,
    keyFile: join(configDir, KEY_FILE_NAME),
    configFile: join(configDir, CONFIG_FILE_NAME),
    auditLog: join(configDir, AUDIT_FILE_NAME),
    cacheDir,
    breakerState: join(cacheDir, BREAKER_STATE_FILE),
  };
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
  private loaded: { config: CliConfig } | { error: unknown } | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    this.debug = isDebug(globals.debug, io.env);
    this.output = new Output(io, {
      json: globals.json,
      quiet: globals.quiet,
      color: isColorEnabled(io),
    });
    this.paths = resolvePaths(globals, io.env);
  }

  get env(): Record<string, string | undefined> {
    return this.io.env;
  }

  /**
   * config.yaml, read, parsed and validated once per run (every section, the environment's
   * overrides applied); a failure is kept too, so every later caller sees the same error.
   */
  config(): CliConfig {
    if (this.loaded === undefined) {
      const { loadCliConfig } =
        require('./services/config.js') as typeof import('./services/config.js');
      try {
        this.loaded = { config: loadCliConfig(this.paths.configFile, this.env) };
      } catch (error) {
        this.loaded = { error };
      }
    }
    if ('error' in this.loaded) throw this.loaded.error;
    return this.loaded.config;
  }

  /** One logger per run, configured from env + config.yaml + flags; always on stderr. */
  logger(): CliLogger {
    if (this.loggerInstance === undefined) {
      const { createCliLogger } =
        require('./services/logger.js') as typeof import('./services/logger.js');
      const logger = createCliLogger(this); // loads the configuration first
      this.loggerInstance = logger;
      // the configuration's warnings (old field names, unknown sections), once, through the one logger
      const loaded = this.loaded;
      if (loaded !== undefined && 'config' in loaded) {
        for (const warning of loaded.config.warnings) logger.warning(warning.message);
      }
    }
    return this.loggerInstance;
  }

  /** The resilience registry, with breaker state restored from the previous runs. */
  registry(): PolicyRegistry {
    if (this.registryInstance === undefined) {
      const { loadRegistry } =
        require('./services/registry.js') as typeof import('./services/registry.js');
      this.registryInstance = loadRegistry(this.paths.breakerState, this.logger());
    }
    return this.registryInstance;
  }

  /** One key manager per run. */
  async keyManager(
    options: { storage?: StorageMode | undefined; liveCheckProvider?: string | undefined } = {},
  ): Promise<SecureKeyManager> {
    if (this.keyManagerInstance === undefined) {
      const { createKeyManager } =
        require('./services/key-manager.js') as typeof import('./services/key-manager.js');
      this.keyManagerInstance = await createKeyManager(this, {
        storage: options.storage,
        liveCheckProvider: options.liveCheckProvider,
        // memoised: the key store may ask from two operations at once, and the user is asked once per run
        masterPassword: () => {
          // readline and the prompt load only when a password is needed
          const { resolveMasterPassword } =
            require('./secret-input.js') as typeof import('./secret-input.js');
          return (this.masterPassword ??= resolveMasterPassword(this.io, {
            creating: !existsSync(this.paths.keyFile),
          }));
        },
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
        const { saveBreakerState } =
          require('./services/breaker-state.js') as typeof import('./services/breaker-state.js');
        saveBreakerState(this.paths.breakerState, this.registryInstance);
      } catch (error) {
        // the breaker state is a cache: losing it must not fail a command that otherwise worked
        this.logger().warning('Could not save the circuit-breaker state', {
          path: this.paths.breakerState,
          error: error as Error,
        });
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
