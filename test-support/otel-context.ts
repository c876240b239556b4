import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * The smallest real OpenTelemetry context manager: contexts follow async work through
 * AsyncLocalStorage. `@opentelemetry/api` alone is a no-op, and the SDK's own context manager
 * needs Node 22, so tests that need an active span register this one.
 */
export class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

let installed = false;

/** Registers the context manager once per process (every copy of the API shares the global). */
export function installContextManager(): void {
  if (!installed)
    installed = context.setGlobalContextManager(new AsyncLocalStorageContextManager());
}
