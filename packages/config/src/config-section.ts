import type { Env } from './config-dir.js';

/** One problem as a JSON Schema validator reports it (ajv's ErrorObject, which the generated validators emit). */
export interface SchemaError {
  instancePath: string;
  /** Where in the schema (`#/properties/file/oneOf/1/…`): tells which branch of a oneOf an error belongs to. */
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  propertyName?: string | undefined;
}

/** A validator compiled ahead of time from the section's schema (see scripts/compile-validators.ts); it applies defaults. */
export interface SectionValidator {
  (data: unknown): boolean;
  errors?: readonly SchemaError[] | null | undefined;
}

/** A JSON Schema, as far as the problem formatter walks it to list the known fields. */
export interface SectionSchema {
  readonly properties?: Readonly<Record<string, SectionSchema>>;
  readonly additionalProperties?: boolean | SectionSchema;
  readonly oneOf?: readonly SectionSchema[];
  readonly [keyword: string]: unknown;
}

/** An environment variable that overrides a field of the section (the environment wins over the file). */
export interface EnvOverride {
  variable: string;
  /** When given, the only values accepted (checked before `apply`). */
  allowed?: readonly string[] | undefined;
  /** Applies the variable's trimmed, non-empty value to the raw section and returns the top-level field it set. */
  apply(section: Record<string, unknown>, value: string): string;
}

/** What `resolve` may use: where each top-level field came from, and a way to report a problem validation cannot see. */
export interface ResolveContext {
  /** Top-level field → where it was set (`config.yaml (logging.level)` or an environment variable). */
  readonly sources: ReadonlyMap<string, string>;
  /** Records a problem at `field` (dotted, inside the section); loadConfig throws once every section is resolved. */
  fail(field: string, problem: string): void;
}

/**
 * One section of config.yaml, defined by the package that owns it: its schema and precompiled
 * validator, what each field accepts in words, the environment variables that override it, the
 * fields renamed in earlier versions, and how a valid section becomes the package's options.
 */
export interface ConfigSection<T> {
  readonly schema: SectionSchema;
  readonly validate: SectionValidator;
  /** What each field accepts, in words, keyed by dotted path inside the section (`file.max_size`). */
  readonly allowed: Readonly<Record<string, string>>;
  /** What the keys of a map are called, by dotted path (`providers` → `provider name`); default "name". */
  readonly keyNames?: Readonly<Record<string, string>> | undefined;
  /** Old dotted path → new name of its last segment (`file.maxSize` → `max_size`); old names still work, with a warning. */
  readonly renamed?: Readonly<Record<string, string>> | undefined;
  readonly env?: readonly EnvOverride[] | undefined;
  resolve(section: Record<string, unknown>, context: ResolveContext): T;
}

export type { Env };
