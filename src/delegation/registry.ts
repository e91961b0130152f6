/**
 * The delegate registry (telepot's DelegatorBot, without threads): one live delegate per seed,
 * each fed in order through its inbox, and no record left once it has ended.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.js";
import { detachedHook } from "../detached.js";
import { IdleTimeoutError, TooManyDelegatesError } from "../errors.js";
import { assertDurationMs, assertPositiveInteger } from "../validate.js";
import { DelegateInbox, type PendingUpdate } from "./inbox.js";
import { type Seed, seedLabel } from "./seeders.js";
import type { DelegateFunction } from "./types.js";

/** Options of {@link DelegateRegistry}. */
export interface DelegateRegistryOptions<U> {
  /** Starts a delegate for an update whose seed has none, or declines (`undefined`). */
  readonly spawn: (first: U, seed: Seed) => DelegateFunction<U> | undefined;
  /** Which updates the live delegate of `seed` takes (capture criteria); the rest are not taken. */
  readonly accepts?: ((update: U, seed: Seed) => boolean) | undefined;
  /** Closes a delegate that waits this long for its next update or event. */
  readonly idleTimeoutMs?: number | undefined;
  readonly clock?: Clock | undefined;
  /**
   * The most delegates running at once (default 100 000): past it, an update that would start
   * one more is rejected at once with `TooManyDelegatesError`, and no delegate starts. Updates
   * for delegates already running are delivered as usual.
   */
  readonly maxDelegates?: number | undefined;
  /**
   * Receives every error a delegate ends with (after a class delegate's `onClose`). Without it, the
   * error rejects the update the delegate was handling, or, if none, is logged.
   */
  readonly onError?: ((error: unknown, seed: Seed) => void) | undefined;
}

/**
 * Routes updates to delegates by seed. {@link deliver} resolves once the delegate has handled the
 * update — when it asks for the next one or ends — so a caller that awaits it keeps each seed in
 * order without blocking on the delegate's idle waits.
 *
 * An update that reaches a delegate as it ends is not lost: the delegate either takes it, or,
 * once the delegate has fully closed, the update starts a fresh one (or is reported not taken).
 *
 * @example
 * ```ts
 * const registry = new DelegateRegistry<Update>({
 *   spawn: () => async (first, inbox) => {
 *     for (let update = first; ; update = await inbox.next()) console.log(update.update_id);
 *   },
 *   idleTimeoutMs: 60_000,
 * });
 * await registry.deliver("chat:1", update);
 * ```
 */
export class DelegateRegistry<U> {
  readonly #live = new Map<string, DelegateInbox<U>>();
  readonly #options: DelegateRegistryOptions<U>;
  readonly #clock: Clock;
  readonly #maxDelegates: number;
  /** Delegates running, with or without a recorded seed. */
  #running = 0;

  constructor(options: DelegateRegistryOptions<U>) {
    if (options.idleTimeoutMs !== undefined)
      assertDurationMs("idleTimeoutMs", options.idleTimeoutMs);
    this.#maxDelegates = options.maxDelegates ?? 100_000;
    assertPositiveInteger("maxDelegates", this.#maxDelegates);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Live delegates with a recorded (string) seed. */
  get size(): number {
    return this.#live.size;
  }

  /**
   * Hands `update` to the delegate for `seed`, starting one if needed. Resolves `true` once it was
   * handled, `false` when no delegate took it; rejects with the delegate's error (see `onError`).
   */
  deliver(seed: Seed, update: U): Promise<boolean> {
    return new Promise((resolve, reject) => this.#route(seed, { update, resolve, reject }));
  }

  #route(seed: Seed, pending: PendingUpdate<U>): void {
    try {
      const inbox = typeof seed === "string" ? this.#live.get(seed) : undefined;
      if (inbox !== undefined) {
        const accepts = this.#options.accepts;
        if (accepts === undefined || accepts(pending.update, seed)) inbox.push(pending);
        else pending.resolve(false);
        return;
      }
      const run = this.#options.spawn(pending.update, seed);
      if (run === undefined) pending.resolve(false);
      else if (this.#running >= this.#maxDelegates) {
        throw new TooManyDelegatesError(seedLabel(seed), this.#maxDelegates);
      } else this.#start(seed, run, pending);
    } catch (error) {
      pending.reject(error);
    }
  }

  #start(seed: Seed, run: DelegateFunction<U>, first: PendingUpdate<U>): void {
    const inbox = new DelegateInbox(seed, first, this.#clock, this.#options.idleTimeoutMs);
    if (typeof seed === "string") this.#live.set(seed, inbox);
    this.#running++;
    let running: Promise<void>;
    try {
      running = Promise.resolve(run(first.update, inbox));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      () => this.#end(seed, inbox, false, undefined),
      (error: unknown) => this.#end(seed, inbox, true, error),
    );
  }

  #end(seed: Seed, inbox: DelegateInbox<U>, failed: boolean, error: unknown): void {
    this.#running--;
    if (typeof seed === "string" && this.#live.get(seed) === inbox) this.#live.delete(seed);
    const { current, leftover } = inbox.close();
    if (failed && !(error instanceof IdleTimeoutError)) this.#fail(seed, error, current);
    else current?.resolve(true);
    for (const pending of leftover) this.#route(seed, pending);
  }

  #fail(seed: Seed, error: unknown, current: PendingUpdate<U> | undefined): void {
    const onError = this.#options.onError;
    if (onError === undefined && current !== undefined) {
      current.reject(error);
      return;
    }
    current?.resolve(true);
    // Nothing awaits this delegate any more: what it ends with is logged, or given to onError
    // (whose own failure is logged, as a throw here could only be an unhandled rejection).
    if (onError === undefined) console.error(`colloquy: delegate ${seedLabel(seed)} failed`, error);
    else detachedHook("the delegate's onError", onError)(error, seed);
  }
}
