/**
 * Who gets a user's message when several dialogs could take it: the one the user entered most
 * recently. Node flows, next steps and delegates ask here before they take a message, and say here
 * when a user enters or leaves them, in the {@link DialogStack} of the plugin that saw the update.
 * The plugin's pending waits (`ask`, `waitFor`, Io flows) are stamped from the same stack when they
 * start; the plugin, first to see each update, offers it only to the waits newer than the dialog
 * in front ({@link frontOf}). So a wait entered last takes the answer, and what it does not
 * take goes on to the dialogs behind it.
 *
 * Without `colloquy()` installed there is no stack, and each kind takes what reaches it.
 *
 * @module
 */
import type { Context } from "grammy";
import { scopes } from "../../keys.js";
import { leadingCommand } from "./answers.js";
import { keysOf } from "./context-keys.js";
import type { Dialog, DialogStack, Entered, Place } from "./dialog-stack.js";
import { DEPS, type PluginContext } from "./waits.js";

export type { Dialog } from "./dialog-stack.js";

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
  const front = frontOf(ctx);
  return front === undefined || front.dialog === dialog;
}

/** The user's dialog in front, if they are in any. */
export function frontOf(ctx: Context): Entered | undefined {
  const dialogs = (ctx as PluginContext)[DEPS]?.dialogs;
  const userId = keysOf(ctx).userId;
  // Most updates come from users in no dialog: they are told apart before any key is built.
  if (dialogs === undefined || userId === undefined || !dialogs.hasUser(userId)) return undefined;
  const place = placeOf(ctx);
  return place === undefined ? undefined : dialogs.front(place);
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
