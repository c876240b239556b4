import { ConfigurationError } from '@localagent/errors';
import { CONFIG_FILE_NAME, type Env } from './config-dir.js';
import {
  describeSchemaErrors,
  displayPath,
  withSource,
  type ConfigProblem,
} from './config-problem.js';
import type { ConfigSection } from './config-section.js';
import { readConfigFile, type ConfigDocument } from './read-config-file.js';
import type { TrustedPathOptions } from './trusted-path.js';

/** The sections config.yaml may hold, each owned by one package. Others are reported and ignored. */
export const CONFIG_SECTIONS = ['logging', 'security'] as const;
export type SectionName = (typeof CONFIG_SECTIONS)[number];

export type Sections = { readonly [K in SectionName]?: ConfigSection<unknown> };
export type LoadedSections<S extends Sections> = {
  -readonly [K in keyof S]: S[K] extends ConfigSection<infer T> ? T : never;
};

export interface LoadConfigOptions<S extends Sections> {
  /** Path of config.yaml; undefined reads no file (the environment and the defaults alone). */
  file: string | undefined;
  /** An already-parsed config.yaml to use instead of reading `file` (which then only names it in messages). */
  document?: Readonly<Record<string, unknown>> | undefined;
  /** A missing file means "all defaults" (default true); false makes it an error (a path the user named explicitly). */
  optional?: boolean | undefined;
  /** Where the sections' environment overrides are read from. Required: this package never reads process.env. */
  env: Env;
  /** The sections to load, by name, as their packages define them (`loggingConfigSection`, `securityConfigSection`). */
  sections: S;
  /** Who must own `file` and its directories, and where the walk up stops (default: this user, os.homedir()). */
  trust?: TrustedPathOptions | undefined;
}

/** Worth telling the user, not worth failing: a field under its old name, a section no package reads. */
export interface ConfigWarning {
  kind: 'renamed_field' | 'unknown_section';
  message: string;
}

export interface LoadedConfig<S extends Sections> {
  file: string | undefined;
  exists: boolean;
  /** Each requested section, validated, defaults and environment overrides applied, as its package's options. */
  sections: LoadedSections<S>;
  /** Old field names still accepted, unknown top-level sections. */
  warnings: ConfigWarning[];
}

/**
 * Reads config.yaml once, then for each requested section: renames old field names (with a
 * warning), applies the environment overrides (the environment wins), validates against the
 * section's precompiled schema and resolves it into the package's options. Every problem in every
 * section is collected; if there is any, one `ConfigurationError` lists them all
 * (`details.problems`: field, message, source). A config.yaml in a directory another user could
 * change is refused before it is read (`StorageError` `LA_FILE_PERMISSIONS`, see `checkTrustedFile`).
 */
export function loadConfig<S extends Sections>(options: LoadConfigOptions<S>): LoadedConfig<S> {
  const document: ConfigDocument =
    options.document !== undefined
      ? { file: options.file, exists: options.file !== undefined, value: options.document }
      : options.file === undefined
        ? { file: undefined, exists: false, value: {} }
        : readConfigFile(options.file, options.optional ?? true, options.trust);
  const warnings: ConfigWarning[] = [];
  for (const key of Object.keys(document.value)) {
    if (!(CONFIG_SECTIONS as readonly string[]).includes(key)) {
      warnings.push({
        kind: 'unknown_section',
        message: `${document.file ?? CONFIG_FILE_NAME}: unknown section "${key}" is ignored (known sections: ${CONFIG_SECTIONS.join(', ')})`,
      });
    }
  }
  const problems: ConfigProblem[] = [];
  const sections: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(options.sections) as [
    SectionName,
    ConfigSection<unknown>,
  ][]) {
    sections[name] = loadSection(name, section, document, options.env, problems, warnings);
  }
  if (problems.length > 0) throw configurationError(document, problems);
  return {
    file: document.file,
    exists: document.exists,
    sections: sections as LoadedSections<S>,
    warnings,
  };
}

function loadSection(
  name: SectionName,
  section: ConfigSection<unknown>,
  document: ConfigDocument,
  env: Env,
  problems: ConfigProblem[],
  warnings: ConfigWarning[],
): unknown {
  const raw = document.value[name];
  const file = document.file ?? 'config.yaml';
  const fileSource = `${file} (${name})`;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    const fields = Object.keys(section.schema.properties ?? {}).join(', ');
    problems.push({
      field: name,
      message: withSource(
        `${name} must be a mapping with: ${fields} (got ${JSON.stringify(raw)})`,
        fileSource,
      ),
      source: fileSource,
    });
    return undefined;
  }
  const value: Record<string, unknown> =
    raw === undefined || raw === null ? {} : structuredClone(raw as Record<string, unknown>);
  const spelled = renameOldFields(name, section, value, file, warnings, problems);
  const sources = new Map<string, string>(
    Object.keys(value).map((key) => [key, `${file} (${name}.${spelled.get(key) ?? key})`]),
  );
  for (const override of section.env ?? []) {
    const setting = env[override.variable]?.trim();
    if (setting === undefined || setting === '') continue;
    if (override.allowed !== undefined && !override.allowed.includes(setting)) {
      const message = `${override.variable} must be one of: ${override.allowed.join(', ')} (got ${JSON.stringify(setting)})`;
      problems.push({ field: name, message, source: override.variable });
      continue;
    }
    sources.set(override.apply(value, setting), override.variable);
  }
  if (!section.validate(value)) {
    const context = {
      section: name,
      schema: section.schema,
      value,
      allowed: section.allowed,
      keyNames: section.keyNames,
      sources,
      spelled,
      fallbackSource: fileSource,
    };
    problems.push(...describeSchemaErrors(section.validate.errors ?? [], context));
    return undefined;
  }
  return section.resolve(value, {
    sources,
    fail: (field, problem) => {
      const source = sources.get(field.split(/[.[]/)[0] ?? '') ?? fileSource;
      const path = displayPath({ section: name, spelled }, field.split('.'));
      problems.push({
        field: `${name}.${field}`,
        message: withSource(`${path} ${problem}`, source),
        source,
      });
    },
  });
}

/** Moves fields written under an old name to the new one; returns new dotted path → old spelling of its last segment. */
function renameOldFields(
  name: SectionName,
  section: ConfigSection<unknown>,
  value: Record<string, unknown>,
  file: string,
  warnings: ConfigWarning[],
  problems: ConfigProblem[],
): Map<string, string> {
  const spelled = new Map<string, string>();
  for (const [oldPath, newName] of Object.entries(section.renamed ?? {})) {
    const parts = oldPath.split('.');
    const oldName = parts.pop() as string;
    const parent = parts.reduce<unknown>(
      (v, p) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? (v as Record<string, unknown>)[p]
          : undefined,
      value,
    );
    if (
      typeof parent !== 'object' ||
      parent === null ||
      Array.isArray(parent) ||
      !Object.hasOwn(parent, oldName)
    )
      continue;
    const holder = parent as Record<string, unknown>;
    const newPath = [...parts, newName].join('.');
    if (Object.hasOwn(holder, newName)) {
      const source = `${file} (${name})`;
      problems.push({
        field: `${name}.${newPath}`,
        message: withSource(
          `${name}.${oldPath} and ${name}.${newPath} are both set; keep only ${newName}`,
          source,
        ),
        source,
      });
      continue;
    }
    holder[newName] = holder[oldName];
    delete holder[oldName];
    spelled.set(newPath, oldName);
    warnings.push({
      kind: 'renamed_field',
      message: `${file}: ${name}.${oldPath} is now spelled ${name}.${newPath} (the old name still works for now)`,
    });
  }
  return spelled;
}

function configurationError(
  document: ConfigDocument,
  problems: ConfigProblem[],
): ConfigurationError {
  const first = problems[0] as ConfigProblem;
  const where = document.exists ? ` in ${document.file ?? ''}` : '';
  return new ConfigurationError({
    message:
      problems.length === 1
        ? `Invalid configuration${where}: ${first.message}.`
        : `Invalid configuration${where} (${problems.length} problems):\n  - ${problems.map((p) => p.message).join('\n  - ')}`,
    suggestion:
      'Fix each value named above (the allowed values are listed with it); `localagent config validate` checks the file.',
    details: { file: document.file, field: first.field, source: first.source, problems },
  });
}
