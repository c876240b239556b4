/**
 * Every caller signal that has attempts linked to it gets one 'abort' listener, which fans out to
 * the attempts still alive. The SDKs add a listener to the signal they are given and never remove it
 * (openai-node, @anthropic-ai/sdk): handing each attempt its own signal keeps those listeners on
 * objects that die with the attempt instead of piling up on one long-lived signal.
 */
const fanOuts = new WeakMap<AbortSignal, Set<WeakRef<AbortController>>>();
/** Keeps an attempt's controller alive exactly as long as its signal: a body still being read holds the signal. */
const controllerOf = new WeakMap<AbortSignal, AbortController>();
const collected = new FinalizationRegistry<{
  set: Set<WeakRef<AbortController>>;
  ref: WeakRef<AbortController>;
}>(({ set, ref }) => set.delete(ref));

function link(parent: AbortSignal, controller: AbortController): () => void {
  let attempts = fanOuts.get(parent);
  if (attempts === undefined) {
    const set = new Set<WeakRef<AbortController>>();
    attempts = set;
    fanOuts.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        for (const ref of set) ref.deref()?.abort(parent.reason);
        set.clear();
      },
      { once: true },
    );
  }
  const set = attempts;
  controllerOf.set(controller.signal, controller);
  const ref = new WeakRef(controller);
  set.add(ref);
  collected.register(controller, { set, ref }, ref);
  return () => {
    set.delete(ref);
    collected.unregister(ref);
  };
}

/**
 * One attempt's signal: it aborts when the caller's signal does or when the attempt's timeout fires.
 * The timeout is ours, not cockatiel's TimeoutPolicy: that policy lets `fn`'s own rejection win the
 * race when `fn` rejects inside its abort listener (the SDKs do), so a timeout read as an abort and was
 * not retried; and it unlinks the attempt from the caller's signal on return, so a caller's abort no
 * longer reached a streaming body.
 */
export class AttemptScope {
  readonly #parent: AbortSignal | undefined;
  /** Made on first use of `signal`: an AbortController costs microseconds, and many `fn`s never look. */
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unlink: (() => void) | undefined;
  #timeoutReason: DOMException | undefined;

  constructor(parent: AbortSignal | undefined, timeoutMs: number | undefined) {
    this.#parent = parent;
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(() => {
        const reason = new DOMException(
          `The attempt timed out after ${timeoutMs} ms`,
          'TimeoutError',
        );
        this.#timeoutReason = reason;
        this.#controller?.abort(reason);
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      const parent = this.#parent;
      if (this.#timeoutReason !== undefined) controller.abort(this.#timeoutReason);
      else if (parent?.aborted === true) controller.abort(parent.reason);
      else if (parent !== undefined) this.#unlink = link(parent, controller);
    }
    return this.#controller.signal;
  }

  /** What `fn` is called with: the attempt number and (made when first read) the attempt's signal. */
  context(attempt: number): { readonly attempt: number; readonly signal: AbortSignal } {
    return new AttemptContextView(attempt, this);
  }

  /** True once the attempt's own timeout fired. */
  get timedOut(): boolean {
    return this.#timeoutReason !== undefined;
  }

  /** `work`, failing as soon as the attempt's signal aborts (timeout or caller), even if `work` ignores it. */
  run<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    const aborted = new Promise<never>((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    return Promise.race([work, aborted]);
  }

  /**
   * The attempt ended. Its timer stops either way (a returned Response's body is not cut by the
   * timeout). A failed attempt is unlinked from the caller's signal at once; a successful one stays
   * linked while its value may still be read (a stream), until it is garbage collected.
   */
  release(succeeded: boolean): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!succeeded) this.#unlink?.();
  }
}

/** A prototype getter rather than an object literal's: a literal with an accessor costs a closure and a slow object per call. */
class AttemptContextView {
  readonly attempt: number;
  readonly #scope: AttemptScope;
  constructor(attempt: number, scope: AttemptScope) {
    this.attempt = attempt;
    this.#scope = scope;
  }
  get signal(): AbortSignal {
    return this.#scope.signal;
  }
}
