/**
 * The Coordinator contract: each update is handled once across every instance of a bot, and the
 * updates of one scope (a chat) one at a time, in order.
 *
 * Per update an instance claims it (skipped when a *handled* marker exists) and leases its scope
 * in one step; handles it; then finishes in a second step: *handled* leaves the marker (kept for
 * `markerTtlMs`, so duplicates and redeliveries are skipped), *released* leaves no trace, so
 * another instance or a redelivery handles it again. Each scope also remembers the highest
 * `order` it handled, so a claim knows whether its update arrived after a later one
 * ({@link Claim.late}). Implementations: `createCoordinator()`
 * (one process) and `RedisCoordinator` from `colloquy/redis`; the grammY middleware is
 * `coordinate()` from `colloquy/grammy`.
 *
 * @module
 */
import type { Message, Update } from "@grammyjs/types";
import type { Clock } from "./clock.js";
import { type Scope, scopes, type UpdateKeys, updateKeys } from "./keys.js";
import { assertDurationMs } from "./validate.js";

/** How a claim ended: its update was handled, or it is left for another instance or a retry. */
export type ClaimOutcome = "handled" | "released";

/**
 * One instance's hold on an update and its scope. The scope's lease is extended while the claim is
 * held, so a long handler keeps it; a holder that stops (a crash, a stalled process) loses it
 * within `leaseMs`, and another instance takes the update over.
 */
export interface Claim {
  /** The update's identity, as given to `claim`. */
  readonly identity: string;
  /** The leased scope, as given to `claim`. */
  readonly scope: string;
  /**
   * `true` when the update came late: its scope had already handled an update with a higher
   * `order` (see {@link ClaimOptions}) — a redelivery, or a copy that reached a stalled instance.
   * It is handled all the same (its own handled marker alone decides whether it is skipped), so a
   * handler can tell an out-of-order update apart and, say, not overwrite newer state with it.
   * The scope's last handled order is kept as long as a handled marker (`markerTtlMs`). Always
   * `false` for a claim without an `order`.
   */
  readonly late: boolean;
  /**
   * Aborts with a `LeaseLostError` when this holder learns that the lease is gone (it expired, or
   * an extension found another holder). Work under the claim should stop then; whatever it still
   * persists is fenced by the storage's version compare-and-set. Finishing does not abort it.
   */
  readonly signal: AbortSignal;
  /** How the claim ended; `undefined` until `finish` is called. */
  readonly outcome: ClaimOutcome | undefined;
  /**
   * Ends the claim and frees the scope in one step. The first call decides; later calls settle as
   * it did. Rejects when the backend cannot be reached: the lease then runs out on its own.
   */
  finish(outcome: ClaimOutcome): Promise<void>;
}

/**
 * Claims updates for exactly-once handling across instances.
 *
 * @example
 * ```ts
 * const claim = await coordinator.claim(`bot:1/update:${update.update_id}`, "bot:1/chat:42");
 * if (claim === undefined) return; // handled already, here or elsewhere
 * try {
 *   await handle(update, claim.signal);
 *   await claim.finish("handled");
 * } catch (error) {
 *   await claim.finish("released"); // another instance, or a redelivery, may try again
 *   throw error;
 * }
 * ```
 */
export interface Coordinator {
  /**
   * Claims the update `identity` and leases `scope`. Resolves to `undefined` when the update was
   * handled already (here or by another instance): skip it. While another holder leases the scope
   * — the same update on another instance, or an earlier update of the same chat — it waits until
   * that holder finishes or its lease expires; a wait longer than `waitMs` rejects with a
   * `LockTimeoutError`, so the update is not acknowledged as done. Waiting claims are served by
   * `order` (see {@link ClaimOptions}). An update must always be claimed with the same scope: its
   * marker is kept with the scope.
   */
  claim(identity: string, scope: string, options?: ClaimOptions): Promise<Claim | undefined>;
}

/** Options of {@link Coordinator.claim}. */
export interface ClaimOptions {
  /**
   * Where the update stands in its scope's sequence, such as its `update_id`: claims waiting for
   * the same scope are served lowest first, so two updates that arrive together on different
   * instances are still handled in order. Claims without one go after those with one, in the
   * order they arrived. A claim whose order is below the highest its scope handled is
   * {@link Claim.late}; a claim without one is never late and does not move that mark.
   */
  readonly order?: number;
}

/** Options every coordinator takes. */
export interface CoordinatorOptions {
  /** How long a scope's lease lasts without an extension, in milliseconds. Default: 5 000. */
  readonly leaseMs?: number;
  /**
   * The longest wait for a scope another holder leases, in milliseconds. Default: `leaseMs` plus
   * 3 000 — long enough for a stopped holder's lease to expire and the update to be taken over,
   * and (with the defaults) under the webhook's 10 s timeout (`safeWebhookCallback`'s and
   * grammY's default), so a claim that cannot get its chat fails its own request.
   */
  readonly waitMs?: number;
  /** How long a handled marker is kept, in milliseconds. Default: 24 hours. */
  readonly markerTtlMs?: number;
  /** Drives leases, waits and markers. Default: `systemClock`. */
  readonly clock?: Clock;
}

/** {@link CoordinatorOptions} checked, with defaults filled in (the clock stays optional). */
export interface CheckedCoordinatorOptions {
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly markerTtlMs: number;
}

/** Validates coordinator options for a backend; throws `InvalidArgumentError`. */
export function checkCoordinatorOptions(options: CoordinatorOptions): CheckedCoordinatorOptions {
  const leaseMs = options.leaseMs ?? 5_000;
  const waitMs = options.waitMs ?? leaseMs + 3_000;
  const markerTtlMs = options.markerTtlMs ?? 24 * 60 * 60 * 1000;
  assertDurationMs("leaseMs", leaseMs);
  assertDurationMs("waitMs", waitMs);
  assertDurationMs("markerTtlMs", markerTtlMs);
  return { leaseMs, waitMs, markerTtlMs };
}

/**
 * What identifies an update across instances.
 * - `"update"`: the bot id and `update_id` — one bot behind a webhook balancer, where the same
 *   update arrives twice only as a retry or a duplicate delivery. Keys carry the bot id, so bots
 *   sharing a backend never collide.
 * - `"message"`: the chat id and message id (and the edit date of an edit) — several clients that
 *   each see the same message (broadcast). Their keys are shared on purpose; updates that are not
 *   new or edited messages fall back to `"update"`.
 */
export type IdentityMode = "update" | "message";

/** Options of {@link claimKeys}. */
export interface ClaimKeyOptions {
  /** Default: `"update"`. */
  readonly identity?: IdentityMode;
  /** The scope handled one update at a time. Default: `scopes.chat`; without one, the update. */
  readonly scope?: Scope;
}

/** The keys a coordinator claims an update by, and its place in its scope's sequence. */
export interface ClaimKeys {
  readonly identity: string;
  readonly scope: string;
  /** The `update_id`; with `"message"` identity, a new message's id; else none. */
  readonly order?: number;
}

const MESSAGE_KINDS: ReadonlySet<string> = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_message",
  "edited_business_message",
]);

/**
 * The identity, scope and order under which `coordinate()` claims an update of bot `botId`.
 * `keys` are the update's {@link updateKeys}, for a caller that has read them already.
 *
 * @example
 * ```ts
 * claimKeys(update, 12345);
 * // { identity: "bot:12345/update:7", scope: "bot:12345/chat:42", order: 7 }
 * claimKeys(update, 12345, { identity: "message" });
 * // { identity: "chat:42/message:1001", scope: "chat:42", order: 1001 }
 * ```
 */
export function claimKeys(
  update: Update,
  botId: number,
  options: ClaimKeyOptions = {},
  keys: UpdateKeys = updateKeys(update),
): ClaimKeys {
  const bot = `bot:${botId}`;
  const byUpdate = `${bot}/update:${update.update_id}`;
  const scoped = (options.scope ?? scopes.chat)(keys);
  if (options.identity !== "message") {
    const scope = scoped === undefined ? byUpdate : `${bot}/${scoped}`;
    return { identity: byUpdate, scope, order: update.update_id };
  }
  const chat = scopes.chat(keys);
  if (chat === undefined || keys.messageId === undefined || !MESSAGE_KINDS.has(keys.kind)) {
    // Update ids differ between clients, so they order nothing here.
    return { identity: byUpdate, scope: scoped ?? byUpdate };
  }
  const message = `${chat}/message:${keys.messageId}`;
  const edited = (update[keys.kind as "message"] as Message).edit_date;
  if (edited !== undefined) {
    // An edit comes after the messages sent before it was made, not after its message's id.
    const identity = `${message}/edit:${edited}`;
    return { identity, scope: scoped ?? identity };
  }
  return { identity: message, scope: scoped ?? message, order: keys.messageId };
}
