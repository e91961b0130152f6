/**
 * aiostep's `register_next_step` and state filters for grammY, on a persisted {@link StateStore}:
 * the next update of a user in a chat can be sent to a named step, and handlers can be routed by
 * the user's state — both survive a restart, because storage holds only names and JSON.
 *
 * @module
 */
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import { InvalidArgumentError } from "../../errors.js";
import { type Scope, scopes } from "../../keys.js";
import type { StateStore } from "../../state/state-store.js";
import type { StepRef, StepRegistry } from "../../state/steps.js";
import { type BypassOption, bypassPredicate } from "./answers.js";
import { keysOf } from "./context-keys.js";
import { type Dialog, enterDialog, leaveDialog, mayTake } from "./precedence.js";

const STATES: unique symbol = Symbol("colloquy.states");

interface Installed {
  readonly store: StateStore;
  readonly key: string | undefined;
  /** The next steps of this middleware, as one dialog of each user who has one. */
  readonly dialog: Dialog;
}

type WithStates = Context & { [STATES]?: Installed };

/** Options of {@link nextSteps}. */
export interface NextStepsOptions {
  /** Whose next step and state an update reads (default: the user in the chat and topic). */
  readonly scope?: Scope;
  /**
   * What ends a pending next step instead of being taken by it, and goes on to the normal
   * handlers, as with a pending `ask`: `true` (default) — any command; a list of commands
   * (without `/`); a predicate; or `false`, for a step that takes commands too.
   */
  readonly bypass?: BypassOption;
}

function installed(ctx: Context, caller: string): Installed & { key: string } {
  const found = (ctx as WithStates)[STATES];
  if (found === undefined) {
    throw new InvalidArgumentError(
      `${caller}(ctx)`,
      "a context that passed the nextSteps(...) middleware (install it with bot.use)",
      "a context without it",
    );
  }
  if (found.key === undefined) {
    throw new InvalidArgumentError(`${caller}(ctx)`, "an update with a chat and a user", "none");
  }
  return { ...found, key: found.key };
}

/**
 * The middleware that runs stored next steps: an update whose scope has one is consumed by that
 * step (with its bound arguments) and goes no further — unless the user entered another dialog
 * since (an `ask`, a flow, a delegate), which then goes first, or the update is a command (see
 * `bypass`), which ends the step. Install it after `colloquy()`, before the handlers that call
 * {@link nextStep}.
 *
 * @example
 * ```ts
 * const steps = new StepRegistry<Context>();
 * const greet = steps.register("greet", async (ctx, greeting: string) => {
 *   await ctx.reply(`${greeting}, ${ctx.message?.text}!`);
 * });
 * bot.use(nextSteps(new StateStore(storage), steps));
 * bot.command("hello", async (ctx) => {
 *   await ctx.reply("Your name?");
 *   await nextStep(ctx, greet.with("Hello"));
 * });
 * ```
 */
export function nextSteps<C extends Context>(
  store: StateStore,
  steps: StepRegistry<C>,
  options: NextStepsOptions = {},
): MiddlewareObj<C> {
  const scope = options.scope ?? scopes.userInChat;
  const bypass = bypassPredicate(options.bypass ?? true);
  const dialog: Dialog = { label: "a next step" };
  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    const key = scope(keysOf(ctx));
    (ctx as WithStates)[STATES] = { store, key, dialog };
    if (key === undefined || !mayTake(ctx, dialog)) return next();
    const step = await store.takeNextStep(key);
    leaveDialog(ctx, dialog);
    if (step === undefined || bypass?.(ctx)) return next();
    await steps.run(step, ctx);
  };
  return { middleware: () => middleware };
}

/**
 * Sends the next update of this user in this chat to `step` (a registered step, its name, or a
 * step with bound arguments from `step.with(...)`). It is stored, so it survives a restart; a
 * later call replaces it.
 */
export async function nextStep(ctx: Context, step: StepRef | string): Promise<void> {
  const { store, key, dialog } = installed(ctx, "nextStep");
  // In front from now, so that no other dialog of the user takes the update the step is for.
  enterDialog(ctx, dialog);
  try {
    await store.setNextStep(key, step);
  } catch (error) {
    leaveDialog(ctx, dialog);
    throw error;
  }
}

/**
 * A grammY filter: passes when the update's user is in `state` (in this chat, when the state was
 * bound to one). Use it with `bot.filter(inState("age"), handler)`.
 */
export function inState(state: string): (ctx: Context) => Promise<boolean> {
  return async (ctx) => {
    const { store, key } = installed(ctx, "inState");
    const current = await store.getState(key);
    if (current?.state !== state) return false;
    return current.chatId === undefined || current.chatId === ctx.chatId;
  };
}
