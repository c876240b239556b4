import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigurationError, LocalAgentError } from '@localagent/errors';
import { loadLoggingConfig } from '@localagent/logging';
import { loadSecurityConfig } from '@localagent/security';
import type { CliContext } from '../../context.js';

export interface ConfigCheck {
  file: string;
  exists: boolean;
  problems: string[];
}

/** Parses config.yaml and checks its `logging` and `security` sections against their schemas; never throws. */
export async function checkConfigFile(file: string): Promise<ConfigCheck> {
  if (!existsSync(file)) return { file, exists: false, problems: [] };
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) {
    return { file, exists: true, problems: document.errors.map((error) => `YAML syntax: ${error.message.split('\n')[0] ?? ''}`) };
  }
  const problems: string[] = [];
  const collect = (section: string, error: unknown): void => {
    problems.push(`${section}: ${LocalAgentError.isInstance(error) || error instanceof Error ? error.message : String(error)}`);
  };
  try {
    await loadLoggingConfig({ env: {}, file });
  } catch (error) {
    collect('logging', error);
  }
  try {
    await loadSecurityConfig(file);
  } catch (error) {
    collect('security', error);
  }
  return { file, exists: true, problems };
}

/** `localagent config validate`: exit 0 when valid (or absent: defaults apply), 3 with every problem otherwise. */
export async function validateConfig(ctx: CliContext): Promise<void> {
  const check = await checkConfigFile(ctx.paths.configFile);
  if (check.problems.length > 0) {
    throw new ConfigurationError({
      message: `${check.file} is invalid:\n  - ${check.problems.join('\n  - ')}`,
      suggestion: 'Fix the values named above (the allowed values are listed with each); see the README of @localagent/logging and @localagent/security for the schema.',
      details: { file: check.file, problems: check.problems },
    });
  }
  const human = check.exists ? `${check.file} is valid (logging and security sections).` : `No config file at ${check.file}; the defaults apply.`;
  ctx.output.result(human, { file: check.file, exists: check.exists, valid: true, problems: [] });
}
