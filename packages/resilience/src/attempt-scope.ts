/**
 * Every caller signal that has attempts linked to it gets one 'abort' listener, which fans out to
 * the attempts still alive. The SDKs add a listener to the signal they are given and never remove it
 * (openai-node, @anthropic-ai/sdk): handing each attempt its own signal keeps those listeners on
 * objects that die with the attempt instead of piling up on one long-lived signal.
 */
const fanOuts = new WeakMap<AbortSignal, Set<WeakRef<AbortController>>>();
const collected = new FinalizationRegistry<{ set: Set<WeakRef<AbortController>>; ref: WeakRef<AbortController> }>(({ set, ref }) => set.delete(ref));

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
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #unlink: (() => void) | undefined;
  readonly #timedOut: Promise<never> | undefined;
  #fired = false;

  constructor(parent: AbortSignal | undefined, timeoutMs: number | undefined) {
    if (parent?.aborted === true) this.#controller.abort(parent.reason);
    else if (parent !== undefined) this.#unlink = link(parent, this.#controller);
    if (timeoutMs !== undefined) {
      this.#timedOut = new Promise<never>((_resolve, reject) => {
        this.#timer = setTimeout(() => {
          this.#fired = true;
          const reason = new DOMException(`The attempt timed out after ${timeoutMs} ms`, 'TimeoutError');
          this.#controller.abort(reason);
          reject(reason);
        }, timeoutMs);
      });
      this.#timedOut.catch(() => undefined);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the attempt's own timeout fired. */
  get timedOut(): boolean {
    return this.#fired;
  }

  /** `work`, failing at the timeout even if `work` ignores the signal. */
  run<T>(work: Promise<T>): Promise<T> {
    return this.#timedOut === undefined ? work : Promise.race([work, this.#timedOut]);
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
