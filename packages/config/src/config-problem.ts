import type { SchemaError, SectionSchema } from './config-section.js';

/** One thing wrong with the configuration: the dotted field, a sentence, and where the value came from. */
export interface ConfigProblem {
  field: string;
  message: string;
  source: string;
}

export interface DescribeContext {
  section: string;
  schema: SectionSchema;
  value: unknown;
  allowed: Readonly<Record<string, string>>;
  /** What the keys of a map are called, by dotted path. */
  keyNames?: Readonly<Record<string, string>> | undefined;
  /** Top-level field → where it was set. */
  sources: ReadonlyMap<string, string>;
  /** Dotted path (new names) → the path as the user spelled it (old names), for fields written under an old name. */
  spelled: ReadonlyMap<string, string>;
  fallbackSource: string;
}

const GROUPING = new Set(['oneOf', 'anyOf']);

/**
 * ajv's errors → one problem per wrong field. A `oneOf` reports every branch it tried: only the
 * branch the user was evidently writing is kept (the one whose errors reach deepest), with all of
 * its errors.
 */
export function describeSchemaErrors(
  errors: readonly SchemaError[],
  context: DescribeContext,
): ConfigProblem[] {
  const relevant = errors.filter(
    (e) => e.keyword !== 'if' && !(e.keyword === 'pattern' && e.propertyName !== undefined),
  );
  const problems = keepIntendedBranches(relevant).map((error) => describe(error, context));
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
}

function keepIntendedBranches(errors: readonly SchemaError[]): SchemaError[] {
  const groups = errors.filter((e) => GROUPING.has(e.keyword));
  const outer = groups.find(
    (g) => !groups.some((other) => other !== g && g.schemaPath.startsWith(`${other.schemaPath}/`)),
  );
  if (outer === undefined) return [...errors];
  const prefix = `${outer.schemaPath}/`;
  const branches = new Map<string, SchemaError[]>();
  for (const error of errors) {
    if (!error.schemaPath.startsWith(prefix)) continue;
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  const reach = (list: SchemaError[]): number => Math.max(...list.map(depth));
  const chosen = [...branches.values()].reduce<SchemaError[] | undefined>(
    (best, list) => (best === undefined || reach(list) > reach(best) ? list : best),
    undefined,
  );
  // in the original order; the chosen branch may hold a oneOf of its own
  const kept = errors.filter((e) =>
    e === outer
      ? chosen === undefined
      : !e.schemaPath.startsWith(prefix) || chosen?.includes(e) === true,
  );
  return chosen === undefined ? kept : keepIntendedBranches(kept);
}

function depth(error: SchemaError): number {
  return error.instancePath.split('/').length + (error.keyword === 'additionalProperties' ? 1 : 0);
}

function describe(error: SchemaError, context: DescribeContext): ConfigProblem {
  const segments = error.instancePath
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const source = context.sources.get(segments[0] ?? '') ?? context.fallbackSource;
  const at = (parts: readonly string[]): string => displayPath(context, parts);
  const hint = context.allowed[segments.filter((s) => !/^\d+$/.test(s)).join('.')];
  const got = JSON.stringify(valueAt(context.value, segments));
  const params = error.params;
  let sentence: string;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      sentence = `${at([...segments, name])} is not a known field; known fields: ${knownFields(context.schema, segments).join(', ')}`;
      break;
    }
    case 'propertyNames':
      sentence = `${at(segments)} has an invalid ${context.keyNames?.[segments.join('.')] ?? 'name'} "${String(params['propertyName'])}"${hint === undefined ? '' : `; allowed: ${hint}`}`;
      break;
    case 'enum':
      sentence = `${at(segments)} must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')} (got ${got})`;
      break;
    default:
      sentence =
        hint === undefined
          ? `${at(segments)} ${error.message ?? 'is invalid'} (got ${got})`
          : `${at(segments)} is invalid (got ${got}); allowed: ${hint}`;
  }
  return {
    field: at(segments.filter((s) => !/^\d+$/.test(s))),
    message: withSource(sentence, source),
    source,
  };
}

/** `logging.file.max_size`, or the spelling the user wrote when the field has an old name. */
export function displayPath(
  context: Pick<DescribeContext, 'section' | 'spelled'>,
  segments: readonly string[],
): string {
  let path = context.section;
  let dotted = '';
  for (const segment of segments) {
    dotted = dotted === '' ? segment : `${dotted}.${segment}`;
    const spelled = context.spelled.get(dotted);
    path += /^\d+$/.test(segment) ? `[${segment}]` : `.${spelled ?? segment}`;
  }
  return path;
}

/** True when a problem's `source` is an environment variable (`LOCALAGENT_LOG_LEVEL`), not the file. */
export function isEnvironmentSource(source: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(source);
}

/** Names the environment variable a wrong value came from; a value from the file needs no note (the message names the file). */
export function withSource(sentence: string, source: string): string {
  return isEnvironmentSource(source) ? `${sentence} (set in ${source})` : sentence;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  return segments.reduce<unknown>(
    (v, s) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[s] : undefined),
    value,
  );
}

/** The fields the schema allows at `segments` (following properties, maps and the object branch of a oneOf). */
function knownFields(schema: SectionSchema, segments: readonly string[]): string[] {
  let node: SectionSchema | undefined = objectBranch(schema);
  for (const segment of segments) {
    if (node === undefined) break;
    const next: SectionSchema | undefined =
      node.properties?.[segment] ??
      (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    node = next === undefined ? undefined : objectBranch(next);
  }
  return Object.keys(node?.properties ?? {});
}

function objectBranch(schema: SectionSchema): SectionSchema {
  return schema.properties === undefined && schema.oneOf !== undefined
    ? (schema.oneOf.find((b) => b.properties !== undefined) ?? schema)
    : schema;
}
