/**
 * What every copy of one conversation shares: its function, its journal store, its options, and
 * the copies live in this process.
 *
 * @module
 */
import type { Context } from "grammy";
import type { Clock } from "../../../clock.js";
import type { DueIndex } from "../../../conversations/due-index.js";
import type { JournalStore } from "../../../conversations/journal-store.js";
import type { JsonValue } from "../../../json.js";
import type { Conversation } from "./conv.js";
import type { Execution } from "./execution.js";
import type { LiveSet } from "./live-set.js";

/** A conversation's code: `conv` for every step, the entering context, the arguments. */
export type ConversationFn<C extends Context, A extends JsonValue | undefined> = (
  conv: Conversation<C>,
  ctx: C,
  args: A,
) => Promise<unknown>;

/** One conversation id on one bot (storage keys carry the bot id). */
export interface ConversationSpec {
  readonly id: string;
  readonly fn: ConversationFn<never, never>;
  readonly store: JournalStore;
  /** Where the deadlines of waits are noted for processes that hold no live copy. */
  readonly due: DueIndex;
  readonly version: string | number;
  readonly maxSteps: number;
  readonly timeoutMs: number | undefined;
  /** Waits of conversations scoped to the chat accept anyone there. */
  readonly from: "user" | "chat";
  readonly clock: Clock;
  readonly onReplayMismatch: "end" | "restart";
  readonly onError: (error: unknown) => void;
  /** The copies live in this process, by scope key, bounded. */
  readonly live: LiveSet<Execution>;
  /**
   * Whether other processes may hold copies too (the storage is shared): a live copy then checks
   * at each answer that its journal did not move on elsewhere before it goes on.
   */
  readonly fenced: boolean;
  /** A copy waiting with deadline `at` was evicted: the due sweep must fire it by then. */
  readonly onHibernate: (at: number) => void;
}
