/**
 * The signal that unwinds a conversation's code when it must not go on: `conv.halt()`,
 * `conv.continueAsNew()`, `exit(ctx)`, a copy found stale, the plugin shutting down (the journal
 * stays, for the next process to recover), a copy evicted from memory (it is never resumed, so
 * this marks it only), or a failure such as the step limit.
 *
 * @module
 */
import type { JsonValue } from "../../../json.js";

/** Why a conversation's code is being unwound. */
export type StopReason = "halt" | "continue" | "exit" | "stale" | "shutdown" | "evicted" | "error";

/**
 * Thrown through a conversation's code to unwind it. Code that catches it anyway gets it again at
 * its next `conv` call or Bot API call, so nothing runs on as if the conversation went on.
 */
export class Stopped extends Error {
  readonly reason: StopReason;
  /** The arguments of `continueAsNew`. */
  readonly args: JsonValue | undefined;
  /** The failure that stopped it, for reason `"error"`. */
  readonly error: Error | undefined;

  constructor(conversation: string, reason: StopReason, args?: JsonValue, error?: Error) {
    super(
      `Conversation "${conversation}" stopped (${reason}); this error unwinds its code: ` +
        "let it through (rethrow it from catch blocks).",
    );
    this.name = "ConversationStopped";
    this.reason = reason;
    this.args = args;
    this.error = error;
  }
}
