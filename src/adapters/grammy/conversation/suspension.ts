/**
 * What a durable conversation's coroutine is suspended in now: the waits it registered, the sleep
 * it sleeps, the deadline of either, and how many externals and Bot API calls it awaits. Its copy
 * ends these when it stops, and drops them without settling anything when it hibernates.
 *
 * @module
 */
import type { Clock } from "../../../clock.js";
import type { ListenerRegistry, WaitHandle } from "../../../listeners/registry.js";
import type { PluginContext } from "../waits.js";

/** The waits, sleep and calls in flight of one copy of a conversation. */
export class Suspension {
  readonly #registry: ListenerRegistry<PluginContext>;
  /** The registry's hold on each wait the code is in. */
  readonly #waits = new Set<WaitHandle>();
  /** The sleep the code is in: its timer, and how to end it when the code stops. */
  #sleep: { readonly cancel: () => void; readonly stop: () => void } | undefined;
  /** Externals and Bot API calls under way. */
  #busy = 0;
  /** The deadline of the wait or sleep the code is in, for the due sweep once it hibernates. */
  #deadline: number | undefined;

  constructor(registry: ListenerRegistry<PluginContext>) {
    this.#registry = registry;
  }

  /** Whether an external or a Bot API call is under way. */
  get busy(): boolean {
    return this.#busy > 0;
  }

  /** A handle for a wait about to be registered, with its deadline; give it back to {@link waited}. */
  wait(at: number | undefined): WaitHandle {
    const handle: WaitHandle = {};
    this.#waits.add(handle);
    this.#deadline = at;
    return handle;
  }

  /** The wait of `handle` ended (answered, timed out or cancelled). */
  waited(handle: WaitHandle): void {
    this.#waits.delete(handle);
    this.#deadline = undefined;
  }

  /**
   * Sleeps until `at`; rejects with `stopped()` when {@link end} ends it. A sleep outlives its
   * process by design, so its timer does not hold the process open.
   */
  async sleep(clock: Clock, at: number, stopped: () => unknown): Promise<void> {
    this.#deadline = at;
    try {
      await new Promise<void>((resolve, reject) => {
        const cancel = clock.setTimer(Math.max(0, at - clock.now()), resolve, {
          keepAlive: false,
        });
        this.#sleep = {
          cancel,
          stop: () => {
            cancel();
            reject(stopped());
          },
        };
      });
    } finally {
      this.#sleep = undefined;
      this.#deadline = undefined;
    }
  }

  /** Runs `work` (an external, a Bot API call) counted as in flight. */
  async call<T>(work: () => T | Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work();
    } finally {
      this.#busy--;
    }
  }

  /** Ends the waits (cancelled) and the sleep (rejected): the code unwinds from them. */
  end(): void {
    for (const handle of this.#waits) this.#registry.end(handle);
    this.#sleep?.stop();
  }

  /**
   * Removes the waits and the sleep's timer without settling them: the code never goes on from
   * them. Returns the deadline it was suspended until, if any.
   */
  drop(): number | undefined {
    for (const handle of this.#waits) this.#registry.drop(handle);
    this.#waits.clear();
    this.#sleep?.cancel();
    this.#sleep = undefined;
    return this.#deadline;
  }
}
