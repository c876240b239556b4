declare const __LOCALAGENT_VERSION__: string | undefined;

/** Replaced with package.json's version when tsup builds the bundle. */
export const VERSION: string =
  typeof __LOCALAGENT_VERSION__ === 'string' ? __LOCALAGENT_VERSION__ : '0.0.0-dev';
