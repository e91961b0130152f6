import { QueueFullError } from "./errors.js";
import { assertPositiveInteger } from "./validate.js";

const ignore = (): void => {};

/** Options of a {@link KeyedMutex}. */
export interface KeyedMutexOptions {
  /**
   * The most tasks that may wait for one key behind the one running (default 1 000). A task past
   * it is refused at once with `QueueFullError` — the newest goes, so those queued keep their
   * order, and a webhook answers the refused update with an error that makes Telegram deliver it
   * again later. It bounds the memory one flooding user (or one hot key) can take.
   */
  readonly maxQueued?: number;
}

/**
 * Runs async tasks one at a time per key, in call order. A key with nothing queued holds no memory,
 * so the number of keys ever seen does not matter; the tasks queued per key are bounded.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, { tail: Promise<void>; size: number }>();
  readonly #maxQueued: number;

  constructor(options: KeyedMutexOptions = {}) {
    this.#maxQueued = options.maxQueued ?? 1_000;
    assertPositiveInteger("maxQueued", this.#maxQueued);
  }

  /**
   * Runs `task` once every task queued earlier for `key` has settled. Rejects with
   * `QueueFullError`, without running it, when `maxQueued` tasks already wait for `key`.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const queue = this.#tails.get(key);
    // The first of a queue's tasks is running, not waiting.
    if (queue !== undefined && queue.size > this.#maxQueued) {
      return Promise.reject(new QueueFullError(key, this.#maxQueued));
    }
    const result = queue === undefined ? task() : queue.tail.then(task);
    const tail = result.then(ignore, ignore);
    const entry = { tail, size: (queue?.size ?? 0) + 1 };
    this.#tails.set(key, entry);
    void tail.then(() => {
      const current = this.#tails.get(key);
      if (current === undefined) return;
      if (current.tail === tail) this.#tails.delete(key);
      else current.size--;
    });
    return result;
  }

  /** Whether a task for `key` is queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Settles when every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.#tails.values()].map(({ tail }) => tail));
  }
}
