/**
 * The part of a {@link Claim} every backend shares: extending the lease while the claim is held, a
 * local deadline that aborts the signal, and finishing once.
 *
 * @module
 */
import type { Claim, ClaimOutcome } from "../coordinator.js";
import { LeaseLostError } from "../errors.js";
import { Due, type DueList } from "./due-list.js";

/** What a backend does for a scope it leased to one claim. */
export interface ScopeHold {
  /** Sets the lease to end `ms` from now; `false` when it was lost meanwhile. */
  extend(ms: number): Promise<boolean>;
  /** Leaves the handled marker when `handled`, and frees the scope if still held: one step. */
  finish(handled: boolean): Promise<void>;
}

/** Where a claim stands, for {@link HeldClaim}. */
export interface HoldOptions {
  readonly identity: string;
  readonly scope: string;
  readonly leaseMs: number;
  /** Where the claim waits to be extended: one per coordinator. */
  readonly dues: DueList;
  /** When the command that granted the lease was sent: the lease surely lasts `leaseMs` from it. */
  readonly grantedAt: number;
  /** Whether the scope had handled a later `order` when the claim was granted. */
  readonly late: boolean;
}

/**
 * A backend's hold as a {@link Claim}. One wake-up at a time (from the coordinator's
 * {@link DueList}) serves both duties: it extends the lease every `leaseMs / 3`, and it aborts the
 * signal at the local deadline — `leaseMs` after the last successful grant or extension was
 * *sent*, so never later than the backend's own expiry.
 * The signal's controller is made only when someone reads `signal` (most handlers never do).
 */
export class HeldClaim implements Claim {
  readonly identity: string;
  readonly scope: string;
  readonly late: boolean;
  readonly #hold: ScopeHold;
  readonly #dues: DueList;
  readonly #due: Due = new Due((now) => this.#tick(now));
  readonly #leaseMs: number;
  #deadline: number;
  #extendAt: number;
  #controller: AbortController | undefined;
  #lost: LeaseLostError | undefined;
  #outcome: ClaimOutcome | undefined;
  #finished: Promise<void> | undefined;

  constructor(hold: ScopeHold, options: HoldOptions) {
    this.identity = options.identity;
    this.scope = options.scope;
    this.late = options.late;
    this.#hold = hold;
    this.#dues = options.dues;
    this.#leaseMs = options.leaseMs;
    this.#deadline = options.grantedAt + options.leaseMs;
    this.#extendAt = options.grantedAt + options.leaseMs / 3;
    this.#arm();
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#lost !== undefined) this.#controller.abort(this.#lost);
    }
    return this.#controller.signal;
  }

  get outcome(): ClaimOutcome | undefined {
    return this.#outcome;
  }

  finish(outcome: ClaimOutcome): Promise<void> {
    if (this.#finished === undefined) {
      this.#outcome = outcome;
      this.#dues.remove(this.#due);
      this.#finished = this.#hold.finish(outcome === "handled");
    }
    return this.#finished;
  }

  #arm(): void {
    this.#due.dueAt = Math.min(this.#extendAt, this.#deadline);
    this.#dues.add(this.#due);
  }

  #tick(now: number): void {
    if (now >= this.#deadline) {
      this.#lose(`it expired: it was not extended within ${this.#leaseMs} ms`);
      return;
    }
    if (now >= this.#extendAt) {
      this.#extendAt = now + this.#leaseMs / 3;
      this.#extend(now);
    }
    this.#arm();
  }

  #extend(sentAt: number): void {
    this.#hold.extend(this.#leaseMs).then(
      (kept) => {
        if (this.#outcome !== undefined || this.#lost !== undefined) return;
        if (kept) this.#deadline = Math.max(this.#deadline, sentAt + this.#leaseMs);
        else this.#lose("an extension found it expired or held by another instance");
      },
      // A failed extension (a dropped connection) is retried at the next tick; if none succeeds,
      // the local deadline aborts the signal.
      () => {},
    );
  }

  #lose(detail: string): void {
    this.#dues.remove(this.#due);
    this.#lost = new LeaseLostError(this.scope, detail);
    this.#controller?.abort(this.#lost);
  }
}
