/**
 * The errors of durable conversations: a replay that parts from its journal, an `enter` into an
 * active conversation, a run past its step bound. Part of colloquy's one error catalogue (codes in
 * `ColloquyErrorCode`), kept beside the conversations they describe.
 *
 * @module
 */
import { ColloquyError } from "../errors.js";

/**
 * A conversation's code asked for something other than what its journal holds at that step: the
 * code changed while a conversation was waiting. The conversation's `onReplayMismatch` policy
 * decides what happens next.
 */
export class ReplayMismatchError extends ColloquyError {
  static override readonly code = "REPLAY_MISMATCH" as const;
  /** The conversation's id. */
  readonly conversation: string;
  /** The index of the journal entry where code and journal parted (0 = the first). */
  readonly step: number;
  /** What the journal holds there, e.g. `api sendMessage`, or `nothing` past its end. */
  readonly journaled: string;
  /** What the code asked for there, e.g. `wait ask`, or `the end` when it returned. */
  readonly requested: string;

  constructor(conversation: string, step: number, journaled: string, requested: string) {
    super(
      "REPLAY_MISMATCH",
      `Conversation "${conversation}" cannot be replayed: at step ${step} its journal holds ` +
        `${journaled} but the code asked for ${requested}. The code changed while the ` +
        "conversation waited: keep old paths behind the conversation's version (onVersionChange), " +
        'or set onReplayMismatch: "restart" to start such conversations over.',
    );
    this.conversation = conversation;
    this.step = step;
    this.journaled = journaled;
    this.requested = requested;
  }
}

/** `enter` found the conversation already active in that scope (`onActive: "reject"`). */
export class ConversationActiveError extends ColloquyError {
  static override readonly code = "CONVERSATION_ACTIVE" as const;
  /** The conversation's id. */
  readonly conversation: string;
  /** The scope it is active in, e.g. `chat:5/user:7`. */
  readonly scope: string;

  constructor(conversation: string, scope: string) {
    super(
      "CONVERSATION_ACTIVE",
      `Conversation "${conversation}" is already active for ${scope}. Check active(ctx) ` +
        'before enter, call exit(ctx) first, or create it with onActive: "restart".',
    );
    this.conversation = conversation;
    this.scope = scope;
  }
}

/** A conversation ran past its `maxSteps`; it is ended. */
export class StepLimitError extends ColloquyError {
  static override readonly code = "STEP_LIMIT" as const;
  /** The conversation's id. */
  readonly conversation: string;
  /** The bound that was reached. */
  readonly maxSteps: number;

  constructor(conversation: string, maxSteps: number) {
    super(
      "STEP_LIMIT",
      `Conversation "${conversation}" reached its maxSteps (${maxSteps}) and was ended. A loop ` +
        "that runs for ever should call conv.continueAsNew(args) each round, which starts the " +
        "conversation afresh with an empty journal; or raise maxSteps.",
    );
    this.conversation = conversation;
    this.maxSteps = maxSteps;
  }
}
