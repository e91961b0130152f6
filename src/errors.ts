/**
 * Every error colloquy throws is a {@link ColloquyError} with a stable `code`.
 *
 * `instanceof` is answered by a brand registered with `Symbol.for`, not by prototype identity, so
 * it keeps working when two copies of colloquy are loaded (a bot and a plugin that each bundle
 * their own, or a test runner that loads the package twice).
 *
 * @module
 */

const BRAND: unique symbol = Symbol.for("colloquy.error") as never;

/** The stable machine-readable codes of every error colloquy throws. */
export type ColloquyErrorCode =
  | "LISTENER_TIMEOUT"
  | "LISTENER_CANCELLED"
  | "LISTENER_EXISTS"
  | "TOO_MANY_LISTENERS"
  | "NON_JSON_VALUE"
  | "VERSION_CONFLICT"
  | "LEASE_LOST"
  | "LOCK_TIMEOUT"
  | "SCHEMA"
  | "UNKNOWN_NODE"
  | "UNKNOWN_STEP"
  | "IDLE_TIMEOUT"
  | "UNHANDLED_UPDATE"
  | "WEBHOOK_TIMEOUT"
  | "INVALID_ARGUMENT"
  | "REPLAY_MISMATCH"
  | "CONVERSATION_ACTIVE"
  | "STEP_LIMIT"
  | "WEBHOOK_REQUEST"
  | "TOO_MANY_DELEGATES"
  | "QUEUE_FULL";

/**
 * The root of colloquy's errors. Catch this to handle anything colloquy raises; check `code` (or
 * `instanceof` a subclass) to tell the cases apart.
 *
 * @example
 * ```ts
 * try {
 *   await ctx.ask("Your name?", { timeoutMs: 60_000 });
 * } catch (error) {
 *   if (error instanceof ListenerTimeoutError) await ctx.reply("Too slow!");
 *   else throw error;
 * }
 * ```
 */
export class ColloquyError extends Error {
  /** The code of this class; `undefined` only on the root, which matches every colloquy error. */
  static readonly code: ColloquyErrorCode | undefined = undefined;
  /** Stable identifier of the case, e.g. `"LISTENER_TIMEOUT"`. */
  readonly code: ColloquyErrorCode;

  constructor(code: ColloquyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Whether `value` is this error class, also when it comes from another copy of colloquy: see
   * the module's note on brands.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    // A user's subclass of ours has no code of its own: only its own prototype chain counts.
    if (!Object.hasOwn(this, "code")) return false;
    return this.code === undefined || (value as { code?: unknown }).code === this.code;
  }
}

/** Why a wait ended without an answer. */
export type CancelReason = "cancelled" | "duplicate" | "bypass" | "shutdown";

/** A wait reached its deadline; its `onTimeout` hook has already run. */
export class ListenerTimeoutError extends ColloquyError {
  static override readonly code = "LISTENER_TIMEOUT" as const;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /** The scope the wait listened on, e.g. `chat 5, user 7`. */
  readonly scope: string;

  constructor(scope: string, timeoutMs: number) {
    super(
      "LISTENER_TIMEOUT",
      `No matching update for ${scope} within ${timeoutMs} ms. ` +
        "Catch ListenerTimeoutError to tell the user, or pass a larger timeoutMs.",
    );
    this.scope = scope;
    this.timeoutMs = timeoutMs;
  }
}

const cancelHelp: Record<CancelReason, string> = {
  cancelled: "it was cancelled (cancel() or its AbortSignal)",
  duplicate:
    'a newer wait on the same key replaced it (pass duplicate: "reject" to keep the first)',
  bypass: "a bypass update (such as a command) arrived and goes on to the normal handlers",
  shutdown: "the listener registry shut down",
};

/** A wait ended without an answer; `reason` says why. */
export class ListenerCancelledError extends ColloquyError {
  static override readonly code = "LISTENER_CANCELLED" as const;
  /** Why the wait ended. */
  readonly reason: CancelReason;
  /** The scope the wait listened on. */
  readonly scope: string;

  constructor(scope: string, reason: CancelReason, options?: ErrorOptions) {
    super(
      "LISTENER_CANCELLED",
      `The wait for ${scope} ended because ${cancelHelp[reason]}.`,
      options,
    );
    this.scope = scope;
    this.reason = reason;
  }
}

/** A wait was started with `duplicate: "reject"` while another waited on the same key. */
export class ListenerExistsError extends ColloquyError {
  static override readonly code = "LISTENER_EXISTS" as const;
  /** The key both waits share. */
  readonly key: string;

  constructor(key: string) {
    super(
      "LISTENER_EXISTS",
      `Already waiting on ${key}. Await or cancel the first wait, or pass duplicate: "replace".`,
    );
    this.key = key;
  }
}

/** A scope already holds as many waits as its cap allows. */
export class TooManyListenersError extends ColloquyError {
  static override readonly code = "TOO_MANY_LISTENERS" as const;
  /** The scope that is full, e.g. a chat or a user in a chat. */
  readonly scope: string;
  /** The cap that was reached. */
  readonly limit: number;

  constructor(scope: string, limit: number) {
    super(
      "TOO_MANY_LISTENERS",
      `${scope} already has ${limit} pending waits, the most allowed. ` +
        "End earlier waits first, or raise the registry's limits if this is intended.",
    );
    this.scope = scope;
    this.limit = limit;
  }
}

/** A value meant for storage is not plain JSON; `path` points at the offending part. */
export class NonJsonValueError extends ColloquyError {
  static override readonly code = "NON_JSON_VALUE" as const;
  /** Where in the value the problem is, e.g. `$.cart[2].addedAt`. */
  readonly path: string;

  constructor(path: string, found: string) {
    super(
      "NON_JSON_VALUE",
      `Cannot store ${found} at ${path}: values must be plain JSON. ` +
        "Convert it first (a Date to an ISO string, a BigInt to a string).",
    );
    this.path = path;
  }
}

/** A compare-and-set found another version than the one it expected. */
export class VersionConflictError extends ColloquyError {
  static override readonly code = "VERSION_CONFLICT" as const;
  /** The storage key. */
  readonly key: string;
  /** The version the writer had loaded. */
  readonly expected: number;
  /** The version found in storage (0 when absent). */
  readonly actual: number;

  constructor(key: string, expected: number, actual: number) {
    super(
      "VERSION_CONFLICT",
      `${key} changed while it was being handled (expected version ${expected}, found ${actual}); ` +
        "the change was discarded. Load it again and retry.",
    );
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A lease expired or was taken over while its holder still worked. */
export class LeaseLostError extends ColloquyError {
  static override readonly code = "LEASE_LOST" as const;
  /** The locked key. */
  readonly key: string;

  constructor(key: string, detail = "it expired or was taken over") {
    super(
      "LEASE_LOST",
      `The lease on ${key} was lost: ${detail}. Work done under it must not be persisted; ` +
        "use a longer leaseMs or extend it while working.",
    );
    this.key = key;
  }
}

/** A lock stayed held by another for the whole wait, so it was never acquired. */
export class LockTimeoutError extends ColloquyError {
  static override readonly code = "LOCK_TIMEOUT" as const;
  /** The locked key. */
  readonly key: string;
  /** How long the wait lasted, in milliseconds. */
  readonly waitMs: number;

  constructor(key: string, waitMs: number) {
    super(
      "LOCK_TIMEOUT",
      `${key} stayed locked by another holder for the whole wait (${waitMs} ms). ` +
        "Retry later, or pass a larger waitMs.",
    );
    this.key = key;
    this.waitMs = waitMs;
  }
}

/** One issue a Standard Schema validator reported. */
export interface SchemaIssueSummary {
  readonly message: string;
  readonly path: string;
}

/** Data failed its schema. */
export class SchemaError extends ColloquyError {
  static override readonly code = "SCHEMA" as const;
  /** What was validated, e.g. `node "cart" of flow "order"`. */
  readonly subject: string;
  /** The validator's issues. */
  readonly issues: readonly SchemaIssueSummary[];

  constructor(subject: string, issues: readonly SchemaIssueSummary[]) {
    const listed = issues.map((i) => `${i.path || "$"}: ${i.message}`).join("; ");
    super("SCHEMA", `Data for ${subject} does not match its schema (${listed}).`);
    this.subject = subject;
    this.issues = issues;
  }
}

/** A stored or requested node key is not part of the flow. */
export class UnknownNodeError extends ColloquyError {
  static override readonly code = "UNKNOWN_NODE" as const;
  /** The key that was not found. */
  readonly node: string;

  constructor(flow: string, node: string, known: readonly string[]) {
    super(
      "UNKNOWN_NODE",
      `Flow "${flow}" has no node "${node}" (known: ${known.join(", ") || "none"}). ` +
        "Keep node keys stable across releases, or migrate stored snapshots.",
    );
    this.node = node;
  }
}

/** A stored step or back reference names no registered handler. */
export class UnknownStepError extends ColloquyError {
  static override readonly code = "UNKNOWN_STEP" as const;
  /** The name that was not found. */
  readonly step: string;

  constructor(step: string, known: readonly string[]) {
    super(
      "UNKNOWN_STEP",
      `No step named "${step}" is registered (known: ${known.join(", ") || "none"}). ` +
        "Register the step under that name before anything refers to it.",
    );
    this.step = step;
  }
}

/** A delegate saw no update for its idle timeout and was closed. */
export class IdleTimeoutError extends ColloquyError {
  static override readonly code = "IDLE_TIMEOUT" as const;
  /** The idle timeout that elapsed, in milliseconds. */
  readonly idleMs: number;

  constructor(seed: string, idleMs: number) {
    super("IDLE_TIMEOUT", `Delegate ${seed} saw no update for ${idleMs} ms and was closed.`);
    this.idleMs = idleMs;
  }
}

/**
 * Thrown by a handler to say "I did not handle this update": the coordinator releases its claim so
 * that another instance (or a redelivery) can try again.
 */
export class UnhandledUpdateError extends ColloquyError {
  static override readonly code = "UNHANDLED_UPDATE" as const;

  constructor(detail = "a handler declined it") {
    super("UNHANDLED_UPDATE", `The update was not handled: ${detail}. It is released for a retry.`);
  }
}

/** An argument is out of its documented range; the message says which and what is allowed. */
export class InvalidArgumentError extends ColloquyError {
  static override readonly code = "INVALID_ARGUMENT" as const;
  /** The name of the offending argument or option. */
  readonly argument: string;

  constructor(argument: string, expected: string, got: unknown) {
    super("INVALID_ARGUMENT", `${argument} must be ${expected}; got ${describeValue(got)}.`);
    this.argument = argument;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}

/** A new delegate would pass the most allowed to run at once (`maxDelegates`). */
export class TooManyDelegatesError extends ColloquyError {
  static override readonly code = "TOO_MANY_DELEGATES" as const;
  /** The seed whose delegate was not started. */
  readonly seed: string;
  /** The bound that was reached. */
  readonly limit: number;

  constructor(seed: string, limit: number) {
    super(
      "TOO_MANY_DELEGATES",
      `No delegate was started for ${seed}: ${limit} are running, the most allowed ` +
        "(maxDelegates). Close idle ones sooner (a shorter idleTimeoutMs), or raise maxDelegates.",
    );
    this.seed = seed;
    this.limit = limit;
  }
}

/** A task for a key was refused: as many as allowed (`maxQueued`) already wait for that key. */
export class QueueFullError extends ColloquyError {
  static override readonly code = "QUEUE_FULL" as const;
  /** The key whose queue is full, e.g. a node flow's scope. */
  readonly key: string;
  /** The bound that was reached. */
  readonly limit: number;

  constructor(key: string, limit: number) {
    super(
      "QUEUE_FULL",
      `${key} already has ${limit} updates waiting to be handled (maxQueued), so this one was ` +
        "refused, not queued; earlier ones keep their order. A webhook sender delivers it " +
        "again later. Raise maxQueued only if a user may really send that many at once.",
    );
    this.key = key;
    this.limit = limit;
  }
}
