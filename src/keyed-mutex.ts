const ignore = (): void => {};

/**
 * Runs async tasks one at a time per key, in call order. A key with nothing queued holds no memory,
 * so the number of keys ever seen does not matter.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` once every task queued earlier for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous === undefined ? task() : previous.then(task);
    const tail = result.then(ignore, ignore);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Settles when every task queued so far has settled. */
  /** Whether a task for `key` is queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  async idle(): Promise<void> {
    await Promise.all(this.#tails.values());
  }
}
