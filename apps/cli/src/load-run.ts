/* eslint-disable @typescript-eslint/no-require-imports -- the one seam between the entry and everything else */
/**
 * Loads run() and, with it, commander and every command. In the built bundle this module is
 * replaced by one that compiles the embedded core on first call (see tsup.config.ts), so the entry
 * alone is what V8 parses for `--version`.
 */
export function loadRun(): typeof import('./run.js') {
  return require('./run.js') as typeof import('./run.js');
}
