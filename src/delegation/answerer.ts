/**
 * The inline answerer (telepot's Answerer): at most one computation per user, where a newer query
 * aborts the older and the older's result is never delivered.
 *
 * @module
 */

/** Computes the answer to a query; `signal` aborts when a newer query from the same user arrives. */
export type AnswerCompute<Q, R> = (query: Q, signal: AbortSignal) => R | Promise<R>;

/** Sends a computed answer, e.g. with `answerInlineQuery`. */
export type AnswerDeliver<Q, R> = (query: Q, result: R) => unknown;

/**
 * Runs one computation per user and delivers only the latest. Whether a result is still wanted is
 * checked when the computation ends, right before delivery: once a user's newer query has arrived,
 * nothing more is delivered for the older one.
 *
 * @example
 * ```ts
 * const answers = new Answerer<InlineQuery, Result[]>(
 *   (query, signal) => search(query.query, { signal }),
 *   (query, results) => api.answerInlineQuery(query.id, results),
 * );
 * await answers.answer(query.from.id, query); // true: delivered; false: superseded
 * ```
 */
export class Answerer<Q, R> {
  readonly #compute: AnswerCompute<Q, R>;
  readonly #deliver: AnswerDeliver<Q, R>;
  readonly #running = new Map<number | string, AbortController>();
  readonly #inFlight = new Set<Promise<boolean>>();

  constructor(compute: AnswerCompute<Q, R>, deliver: AnswerDeliver<Q, R>) {
    this.#compute = compute;
    this.#deliver = deliver;
  }

  /** Users with a computation under way. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Aborts `user`'s computation under way, if any, and starts one for `query`. Resolves `true`
   * once the result was delivered, `false` when a newer query superseded it; rejects with an error
   * of the computation or the delivery.
   */
  answer(user: number | string, query: Q): Promise<boolean> {
    this.#running.get(user)?.abort();
    const controller = new AbortController();
    this.#running.set(user, controller);
    const done = this.#run(user, query, controller);
    this.#inFlight.add(done);
    const forget = (): void => {
      this.#inFlight.delete(done);
    };
    done.then(forget, forget);
    return done;
  }

  /** Resolves once every answer started so far, and any started meanwhile, has finished. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #run(user: number | string, query: Q, controller: AbortController): Promise<boolean> {
    const { signal } = controller;
    try {
      let result: R;
      try {
        result = await this.#compute(query, signal);
      } catch (error) {
        // A superseded computation often fails *because* it was aborted: that is no error.
        if (signal.aborted) return false;
        throw error;
      }
      if (signal.aborted) return false;
      await this.#deliver(query, result);
      return true;
    } finally {
      if (this.#running.get(user) === controller) this.#running.delete(user);
    }
  }
}
