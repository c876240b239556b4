import { existsSync } from 'node:fs';
import { isEnvironmentSource } from '@localagent/config';
import { ConfigurationError, LocalAgentError } from '@localagent/errors';
import type { CliContext } from '../../context.js';

export interface ConfigCheck {
  file: string;
  exists: boolean;
  problems: string[];
  /** True when at least one problem is in the file (the others come from environment variables). */
  inFile: boolean;
  warnings: string[];
}

/**
 * The run's config load (config.yaml and the environment's overrides), as a report that never
 * throws: every problem the loader listed, and its warnings (old field names, unknown sections).
 */
export function checkConfig(ctx: Pick<CliContext, 'config' | 'paths'>): ConfigCheck {
  const file = ctx.paths.configFile;
  try {
    const loaded = ctx.config();
    return {
      file,
      exists: loaded.exists,
      problems: [],
      inFile: false,
      warnings: loaded.warnings.map((w) => w.message),
    };
  } catch (error) {
    const details = LocalAgentError.isInstance(error) ? error.details : undefined;
    const listed =
      (details?.['problems'] as Array<string | { message: string; source?: string }> | undefined) ??
      [];
    // the loader's problems are objects with a source; the YAML parser's are its messages (strings)
    const inFile =
      listed.length === 0 ||
      listed.some((p) => typeof p === 'string' || !isEnvironmentSource(p.source ?? ''));
    const problems =
      listed.length > 0
        ? listed.map((p) => (typeof p === 'string' ? `YAML syntax: ${p}` : p.message))
        : [error instanceof Error ? error.message : String(error)];
    return {
      file,
      exists: existsSync(file),
      problems,
      inFile,
      warnings: [],
    };
  }
}

/** `localagent config validate`: exit 0 when valid (or absent: defaults apply), 3 with every problem otherwise. */
export async function validateConfig(ctx: CliContext): Promise<void> {
  const check = checkConfig(ctx);
  if (check.problems.length > 0) {
    throw new ConfigurationError({
      message: `${check.inFile ? `${check.file} is invalid` : 'The environment sets invalid values'}:\n  - ${check.problems.join('\n  - ')}`,
      suggestion:
        'Fix the values named above (the allowed values are listed with each); see the README of @localagent/logging and @localagent/security for the schema.',
      details: { file: check.file, problems: check.problems },
    });
  }
  const human = [
    check.exists
      ? `${check.file} is valid (logging and security sections).`
      : `No config file at ${check.file}; the defaults apply.`,
    ...check.warnings.map((warning) => `warning: ${warning}`),
  ];
  ctx.output.result(human, {
    file: check.file,
    exists: check.exists,
    valid: true,
    problems: [],
    warnings: check.warnings,
  });
}
