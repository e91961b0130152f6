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
import { keysOf } from "./context-keys.js";

const STATES: unique symbol = Symbol("colloquy.states");

interface Installed {
  readonly store: StateStore;
  readonly key: string | undefined;
}

type WithStates = Context & { [STATES]?: Installed };

/** Options of {@link nextSteps}. */
export interface NextStepsOptions {
  /** Whose next step and state an update reads (default: the user in the chat and topic). */
  readonly scope?: Scope;
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
  return { store: found.store, key: found.key };
}

/**
 * The middleware that runs stored next steps: an update whose scope has one is consumed by that
 * step (with its bound arguments) and goes no further. Install it before the handlers it should
 * pre-empt, and after `colloquy()` if both are used (answers to `ask` come first).
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
  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    const key = scope(keysOf(ctx));
    (ctx as WithStates)[STATES] = { store, key };
    const step = key === undefined ? undefined : await store.takeNextStep(key);
    if (step === undefined) return next();
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
  const { store, key } = installed(ctx, "nextStep");
  await store.setNextStep(key, step);
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
