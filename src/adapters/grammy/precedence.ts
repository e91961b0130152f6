/**
 * Who gets a user's message when several dialogs could take it: the one the user entered most
 * recently. Every kind of dialog — the plugin's pending waits (`ask`, `waitFor`, Io flows), node
 * flows, next steps, delegates — asks here before it takes a message, and says here when a user
 * enters or leaves it, in the {@link DialogStack} of the plugin that saw the update.
 *
 * Without `colloquy()` installed there is no stack, and each kind takes what reaches it.
 *
 * @module
 */
import type { Context } from "grammy";
import { scopes } from "../../keys.js";
import type { MatchScope } from "../../listeners/match.js";
import { leadingCommand } from "./answers.js";
import { keysOf } from "./context-keys.js";
import type { Dialog, DialogStack, Place } from "./dialog-stack.js";
import { DEPS, type PluginContext } from "./waits.js";

export type { Dialog } from "./dialog-stack.js";

/** The plugin's pending waits of a user, as one dialog: the newest wait puts it in front. */
export const WAITS: Dialog = { label: "a pending wait" };

const PLACE: unique symbol = Symbol("colloquy.dialogPlace");

/** Whose dialogs an update concerns: its user in the chat and topic, read once per context. */
function placeOf(ctx: Context): Place | undefined {
  const holder = ctx as Context & { [PLACE]?: Place | null };
  let place = holder[PLACE];
  if (place === undefined) {
    const keys = keysOf(ctx);
    const key = scopes.userInChat(keys);
    place = key === undefined || keys.userId === undefined ? null : { userId: keys.userId, key };
    holder[PLACE] = place;
  }
  return place ?? undefined;
}

/** The stack and place of `ctx`'s user, when the plugin saw the update and it has a user. */
function stackOf(ctx: Context): { dialogs: DialogStack; place: Place } | undefined {
  const dialogs = (ctx as PluginContext)[DEPS]?.dialogs;
  if (dialogs === undefined) return undefined;
  const place = placeOf(ctx);
  return place === undefined ? undefined : { dialogs, place };
}

/**
 * Whether `dialog` may take `ctx`'s update: it is the user's dialog in front, or the user is in
 * none (so a dialog of someone else in the chat, or one not entered yet, sees it).
 */
export function mayTake(ctx: Context, dialog: Dialog): boolean {
  const dialogs = (ctx as PluginContext)[DEPS]?.dialogs;
  const userId = keysOf(ctx).userId;
  // Most updates come from users in no dialog: they are told apart before any key is built.
  if (dialogs === undefined || userId === undefined || !dialogs.hasUser(userId)) return true;
  const place = placeOf(ctx);
  return place === undefined || dialogs.mayTake(place, dialog);
}

/** The user's dialog in front, if they are in any, for debug logs. */
export function frontOf(ctx: Context): Dialog | undefined {
  const stack = stackOf(ctx);
  return stack?.dialogs.front(stack.place);
}

/**
 * Whether `ctx`'s update may start a new dialog (a delegate's first update): when the user is in
 * no dialog, or when it is a command — commands are how users enter dialogs, whatever dialog they
 * are in already.
 */
export function mayStart(ctx: Context): boolean {
  return leadingCommand(ctx) !== undefined || frontOf(ctx) === undefined;
}

/** The user of `ctx` entered `dialog`: it is now in front of their others. */
export function enterDialog(ctx: Context, dialog: Dialog): void {
  const stack = stackOf(ctx);
  stack?.dialogs.enter(stack.place, dialog);
}

/** The user of `ctx` is in `dialog`, as found in storage: behind the others, unless known. */
export function foundDialog(ctx: Context, dialog: Dialog): void {
  const stack = stackOf(ctx);
  stack?.dialogs.found(stack.place, dialog);
}

/** The user of `ctx` left `dialog`. */
export function leaveDialog(ctx: Context, dialog: Dialog): void {
  const stack = stackOf(ctx);
  stack?.dialogs.leave(stack.place, dialog);
}

/** A wait's user in its chat and topic, placed as their updates are; chat-wide waits have none. */
function placeOfWait({ chatId, threadId, userId, businessConnectionId }: MatchScope) {
  if (chatId === undefined || userId === undefined) return undefined;
  // The kind plays no part in the key; a scope needs one.
  const key = scopes.userInChat({
    kind: "message",
    chatId,
    userId,
    ...(threadId === undefined ? {} : { threadId }),
    ...(businessConnectionId === undefined ? {} : { businessConnectionId }),
  });
  return key === undefined ? undefined : { userId, key };
}

/**
 * Keeps {@link WAITS} in each user's stack from the registry's changes: each new wait of a user
 * puts it in front, and it leaves with the user's last wait.
 */
export function trackWaits(dialogs: DialogStack): (scope: MatchScope, delta: 1 | -1) => void {
  const pending = new Map<string, number>();
  return (scope, delta) => {
    const place = placeOfWait(scope);
    if (place === undefined) return;
    const count = (pending.get(place.key) ?? 0) + delta;
    if (count > 0) pending.set(place.key, count);
    else pending.delete(place.key);
    if (delta > 0) dialogs.enter(place, WAITS);
    else if (count === 0) dialogs.leave(place, WAITS);
  };
}
