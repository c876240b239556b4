export { loadConfig, CONFIG_SECTIONS } from './load-config.js';
export type {
  ConfigWarning,
  LoadConfigOptions,
  LoadedConfig,
  LoadedSections,
  SectionName,
  Sections,
} from './load-config.js';
export type {
  ConfigSection,
  EnvOverride,
  ResolveContext,
  SchemaError,
  SectionSchema,
  SectionValidator,
} from './config-section.js';
export { isEnvironmentSource } from './config-problem.js';
export type { ConfigProblem } from './config-problem.js';
export { readConfigFile } from './read-config-file.js';
export type { ConfigDocument } from './read-config-file.js';
export { CONFIG_FILE_NAME, defaultCacheDir, defaultConfigDir } from './config-dir.js';
export type { Env } from './config-dir.js';
export { checkTrustedDir, checkTrustedFile } from './trusted-path.js';
export type { TrustedPathOptions, UntrustedReason } from './trusted-path.js';
