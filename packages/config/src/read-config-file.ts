import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigurationError, StorageError } from '@localagent/errors';
import { checkTrustedFile, type TrustedPathOptions } from './trusted-path.js';

export interface ConfigDocument {
  /** undefined when no file was read. */
  file: string | undefined;
  exists: boolean;
  /** The top-level mapping (empty for a missing or empty file). */
  value: Readonly<Record<string, unknown>>;
}

/**
 * Reads and parses config.yaml: one read, one parse. A missing file is empty when `optional` (the
 * default location), else an error (a path the user named). Every YAML syntax error is listed.
 * Before the read, the file and its directories must be trusted (`checkTrustedFile`: owned by the
 * user or root, not writable by others), else `StorageError` `LA_FILE_PERMISSIONS` and nothing is
 * read; `trust` is for tests (home, uid, platform).
 */
export function readConfigFile(
  file: string,
  optional: boolean,
  trust: TrustedPathOptions = {},
): ConfigDocument {
  let text: string;
  try {
    checkTrustedFile(file, trust);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (StorageError.isInstance(error)) throw error;
    // ENOTDIR: a parent is a file, so there is no config file either
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && optional)
      return { file, exists: false, value: {} };
    throw new ConfigurationError({
      message: `Cannot read the config file ${file}: ${(error as Error).message}`,
      suggestion:
        'Check that the path names a readable file (or remove the setting that names it).',
      cause: error,
      details: { file, source: file },
    });
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => e.message.split('\n')[0] ?? e.message);
    throw new ConfigurationError({
      message: `The config file ${file} is not valid YAML: ${problems.join('; ')}`,
      suggestion:
        'Fix the YAML syntax at the line named above (indent with spaces, quote values that contain ": ").',
      details: { file, source: file, problems },
    });
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return { file, exists: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError({
      message: `The config file ${file} must contain a mapping (key: value pairs) at the top level, e.g. "logging:" and "security:".`,
      details: { file, source: file },
    });
  }
  return { file, exists: true, value: value as Record<string, unknown> };
}
