/**
 * Suspension-aware dispatch. A handler that awaits `ctx.ask` must not hold up grammY: under
 * `bot.start()` updates are handled one at a time and a webhook request waits for its handler,
 * so a handler blocked in a wait would block the very reply it waits for.
 *
 * A {@link Run} is one handler chain that may span several updates. Each update that moves it
 * forward is its *host*: the host's `handleUpdate` resolves when the run suspends in a wait again
 * or ends. So grammY gets control back at every suspension, per-chat order still holds, and
 * `session()` installed before the plugin saves the changes made while the reply was handled.
 *
 * @module
 */

/**
 * How a run let go of the update hosting it: done with it, or `"declined"` — the run found it
 * cannot take the update after all (see {@link Run.decline}), which then goes on as if no wait
 * had claimed it.
 */
export type HostOutcome = undefined | "declined";

/** Resolves (or fails) the `handleUpdate` of the update currently hosting a run. */
interface Host {
  resolve(outcome?: HostOutcome): void;
  reject(error: unknown): void;
}

/**
 * Receives errors thrown by a run after its first update was already done, with the update the
 * run handled last: the one that `resumed` it, or else the one that started it.
 */
export type DetachedErrorHandler = (error: unknown, updateId: number, resumed: boolean) => void;

/** One handler chain, across the updates that resume it. */
export class Run {
  #host: Host | undefined;
  /** Whether the run suspended at least once; its later errors no longer belong to grammY. */
  #detached = false;
  #ended = false;
  /** Waits of this run that are pending; a host is held only while the run waits on none. */
  #waiting = 0;
  /** The update that resumed the run last, or that started it, for error reports. */
  #updateId: number;
  /** Whether an update ever resumed the run, so that reports say which kind `#updateId` is. */
  #resumed = false;
  /** The newest prompt this run sent, which a button wait binds to by default. */
  promptMessageId: number | undefined;
  /** Called at each suspension; node flows use it to let their lease go while a node waits. */
  #onSuspend: Set<() => void> | undefined;

  constructor(updateId: number) {
    this.#updateId = updateId;
  }

  /**
   * Runs the handler chain for the run's first update. Resolves when the chain ends or first
   * suspends; rejects with the chain's error if it fails before suspending.
   */
  start(next: () => Promise<void>, onDetachedError: DetachedErrorHandler): Promise<HostOutcome> {
    return new Promise<HostOutcome>((resolve, reject) => {
      this.#host = { resolve, reject };
      next().then(
        () => this.#end(undefined, onDetachedError),
        (error: unknown) => this.#end(error ?? new Error("handler failed"), onDetachedError),
      );
    });
  }

  /**
   * Whether the run is suspended in a wait with no update hosting it: nothing of it runs until an
   * update or a timer resumes it.
   */
  get idle(): boolean {
    return !this.#ended && this.#host === undefined && this.#waiting > 0;
  }

  /** Calls `listener` whenever the run suspends in a wait, until the returned function is called. */
  onSuspend(listener: () => void): () => void {
    this.#onSuspend ??= new Set();
    const listeners = this.#onSuspend;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Called by a wait of this run once it is registered: gives control back to grammY. */
  suspend(): void {
    if (this.#onSuspend !== undefined) for (const listener of this.#onSuspend) listener();
    this.#waiting++;
    this.#detached = true;
    this.#releaseHost();
  }

  /** Called when a wait of this run ended without an update (timeout, cancel): no host. */
  waitEnded(): void {
    this.#waiting--;
  }

  /**
   * Called synchronously when `updateId` answered a wait of this run. Returns the promise its
   * `handleUpdate` should await: until the run suspends again or ends.
   */
  resume(updateId: number): Promise<HostOutcome> | undefined {
    this.#waiting--;
    if (this.#ended) return undefined;
    this.#updateId = updateId;
    this.#resumed = true;
    // With other waits still pending (Promise.all or race over several asks) the run may stay
    // blocked; holding this update could then deadlock the feed, so it is not held.
    if (this.#waiting > 0 || this.#host !== undefined) return undefined;
    return new Promise<HostOutcome>((resolve, reject) => {
      this.#host = { resolve, reject };
    });
  }

  /**
   * Gives back the update that just resumed the run, unhandled: its `handleUpdate` goes on as if
   * no wait had claimed it. For a copy of a durable conversation that finds, once resumed, that
   * another copy moved on: the update belongs to that one. The run itself is abandoned.
   */
  decline(): void {
    const host = this.#host;
    this.#host = undefined;
    host?.resolve("declined");
  }

  /**
   * Makes `updateId` the run's host when its wait ended because of that update (a bypassing
   * command): the update's `handleUpdate` then also waits until the run, which goes on from the
   * cancelled wait, suspends again or ends. `undefined` when it already did.
   */
  adopt(updateId: number): Promise<HostOutcome> | undefined {
    if (this.#ended || this.#waiting > 0 || this.#host !== undefined) return undefined;
    this.#updateId = updateId;
    return new Promise<HostOutcome>((resolve, reject) => {
      this.#host = { resolve, reject };
    });
  }

  #releaseHost(): void {
    const host = this.#host;
    this.#host = undefined;
    host?.resolve();
  }

  #end(error: unknown, onDetachedError: DetachedErrorHandler): void {
    this.#ended = true;
    const host = this.#host;
    this.#host = undefined;
    if (error === undefined) {
      host?.resolve();
    } else if (!this.#detached && host !== undefined) {
      host.reject(error);
    } else {
      host?.resolve();
      onDetachedError(error, this.#updateId, this.#resumed);
    }
  }
}
