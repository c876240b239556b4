import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The file this code runs from: the base for resolving the optional driver modules the way an
 * `import()` here would. `__filename` in the CommonJS build (and in a bundle that inlines this
 * package, such as the CLI); in the ESM build, where `import.meta` cannot be written in a
 * CommonJS-typed source, the file of the top stack frame, read from V8's structured stack.
 */
export function ownLocation(): string {
  if (typeof __filename === 'string') return __filename;
  /* istanbul ignore next -- only reached in the ESM build, covered by the packed-package test */
  return fileFromStack();
}

/* istanbul ignore next -- only reached in the ESM build, covered by the packed-package test */
function fileFromStack(): string {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    const file = frames
      .map((frame) => frame.getFileName())
      .find((name) => name !== undefined && name !== null && name !== '');
    if (file === undefined || file === null)
      throw new Error('cannot tell where @localagent/security is installed');
    return file.startsWith('file:') ? fileURLToPath(file) : file;
  } finally {
    Error.prepareStackTrace = original;
  }
}

/** The absolute path of `specifier` as resolved from `from` (a file or a directory ending in '/'). Throws when it is not installed. */
export function resolveModule(specifier: string, from: string): string {
  return createRequire(from).resolve(specifier);
}
