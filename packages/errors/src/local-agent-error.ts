import type { ErrorCategory } from './category.js';
import { maskSecrets, maskDetails } from './mask.js';
import { isErrorLike } from './is-error-like.js';

const marker = Symbol.for('localagent.error');

export interface LocalAgentErrorOptions {
  message: string;
  code?: string | undefined;
  category?: ErrorCategory | undefined;
  /** Defaults to `category === 'transient'`. */
  retryable?: boolean | undefined;
  suggestion?: string | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export interface ErrorJSON {
  name: string;
  code: string;
  category: ErrorCategory;
  retryable: boolean;
  message: string;
  suggestion?: string;
  details?: Record<string, unknown>;
  stack?: string;
  cause?: ErrorJSON | { name?: string; message: string };
}

/**
 * Base class of every error LocalAgent throws. Message, suggestion and details are masked
 * on construction, so no credential can reach a log or terminal through an error.
 */
export class LocalAgentError extends Error {
  /**
   * The class's brand (a `Symbol.for` key, shared by every copy of this package). Instances carry
   * the brands of their whole class chain, so `isInstance` never relies on `instanceof`.
   */
  static readonly errorBrand: symbol = marker;

  readonly code: string;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly suggestion: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(options: LocalAgentErrorOptions) {
    super(
      maskSecrets(options.message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = options.code ?? 'LA_INTERNAL';
    this.category = options.category ?? 'system';
    this.retryable = options.retryable ?? this.category === 'transient';
    this.suggestion =
      options.suggestion === undefined ? undefined : maskSecrets(options.suggestion);
    this.details = Object.freeze(maskDetails(options.details ?? {}));
    Object.defineProperty(this, marker, { value: collectBrands(new.target), enumerable: false });
  }

  /**
   * True for any LocalAgentError, including one created by another copy of this package.
   * (Each subclass declares a private `nominal<Class>` member, type-only: without it the subclasses
   * are structurally identical and a failed `isInstance` check would narrow a value to `never`.)
   */
  static isInstance<T extends LocalAgentError>(
    this: { errorBrand: symbol; prototype: T },
    value: unknown,
  ): value is T {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [marker]?: unknown })[marker];
    return brands instanceof Set && brands.has(this.errorBrand);
  }

  toJSON(options: { stack?: boolean } = {}): ErrorJSON {
    const json: ErrorJSON = {
      name: this.name,
      code: this.code,
      category: this.category,
      retryable: this.retryable,
      message: this.message,
    };
    if (this.suggestion !== undefined) json.suggestion = this.suggestion;
    if (Object.keys(this.details).length > 0) json.details = { ...this.details };
    if (options.stack === true && this.stack !== undefined) json.stack = maskSecrets(this.stack);
    if (this.cause !== undefined) json.cause = causeToJSON(this.cause, options);
    return json;
  }
}

function causeToJSON(
  cause: unknown,
  options: { stack?: boolean },
): NonNullable<ErrorJSON['cause']> {
  if (LocalAgentError.isInstance(cause)) return cause.toJSON(options);
  if (isErrorLike(cause)) return { name: cause.name, message: maskSecrets(cause.message) };
  return { message: maskSecrets(String(cause)) };
}

function collectBrands(ctor: unknown): ReadonlySet<symbol> {
  const brands = new Set<symbol>();
  let current: unknown = ctor;
  while (typeof current === 'function') {
    const brand: unknown = Object.prototype.hasOwnProperty.call(current, 'errorBrand')
      ? (current as unknown as { errorBrand: unknown }).errorBrand
      : undefined;
    if (typeof brand === 'symbol') brands.add(brand);
    current = Object.getPrototypeOf(current);
  }
  return brands;
}
