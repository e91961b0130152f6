/**
 * `handlerHistory()`: pyroflow's `UpdateHistory` for plain grammY handlers. Named handlers record
 * each run that completes, per scope, so a bot can show where a user has been and replay a step
 * (a "Back" button, "show that again") without turning its handlers into a flow.
 *
 * @module
 */
import type { Context, MiddlewareFn } from "grammy";
import { InvalidArgumentError, UnknownStepError } from "../../errors.js";
import type { History, HistoryRecord } from "../../history.js";
import { type JsonValue, toJsonText } from "../../json.js";
import { type Scope, scopes } from "../../keys.js";
import { keysOf } from "./context-keys.js";

/**
 * A named step's handler. It receives its inputs as `data`, not from the update: on a replay it
 * runs again with the context of the update that asked for it (a Back press, a command), whose
 * `ctx.match` or text are not the original ones.
 */
export type StepHandler<C extends Context, D extends JsonValue> = (ctx: C, data: D) => unknown;

/** A step with inputs, for {@link HandlerHistory.named}. */
export interface DataStep<C extends Context, D extends JsonValue> {
  /**
   * Reads the step's inputs from the update that starts it, e.g. the id in a button's data. The
   * result must be plain JSON: it is checked before the handler runs, recorded when the handler
   * completes, and handed to the handler again on a replay. Written before `handler`, it gives
   * `handler`'s `data` its type.
   */
  readonly data: (ctx: C) => D;
  /** Runs with the inputs `data` read, or with the recorded ones on a replay. */
  readonly handler: StepHandler<C, D>;
}

/** Options of {@link handlerHistory}. */
export interface HandlerHistoryOptions {
  /**
   * Which updates share a history. Default: `scopes.userInChat`. Updates the scope gives no key
   * for (an inline query has no chat) run their steps without recording them.
   */
  readonly scope?: Scope;
}

/** What {@link handlerHistory} returns. */
export interface HandlerHistory<C extends Context> {
  /**
   * Registers a handler as the step `name` and returns it as middleware that pushes
   * `{ step: name, data, at }` for the update's scope once the handler completes without
   * throwing. A step is a terminal handler: it does not call the next middleware. Give a bare
   * handler for a step without inputs (its data is `null`), or a {@link DataStep}.
   */
  named(name: string, step: StepHandler<C, null>): MiddlewareFn<C>;
  /** Registers a step with inputs: `step.data` reads them, `step.handler` runs with them. */
  named<D extends JsonValue>(name: string, step: DataStep<C, D>): MiddlewareFn<C>;
  /** The scope key of the update, as the history stores it, or `undefined` when it has none. */
  scopeOf(ctx: C): string | undefined;
  /** The steps that completed in the update's scope, oldest first (at most the history's bound). */
  steps(ctx: C): Promise<HistoryRecord[]>;
  /**
   * Runs the scope's last step again with `ctx` and the data it had, leaving the history as it
   * is. Returns the record replayed, or `undefined` when the scope has none (nothing runs).
   * Throws `UnknownStepError` when the record names no step registered here (a step removed in a
   * newer release: drop such records with `clear`).
   */
  replay(ctx: C): Promise<HistoryRecord | undefined>;
  /**
   * Goes back one step: forgets the last step and runs the one before it again with `ctx` and its
   * data. Returns that record, or `undefined` at the first step or with no history, where nothing
   * changes and nothing runs. The history has moved back even if the handler then throws.
   */
  back(ctx: C): Promise<HistoryRecord | undefined>;
  /** Forgets the update's scope's steps. */
  clear(ctx: C): Promise<void>;
}

/**
 * Records which named handlers completed, per scope, in `history` — give it a history of its own
 * (its own prefix), not one that flows write to. The records are bounded and expire as the
 * history says (default: 20 steps, one day).
 *
 * @example
 * ```ts
 * const steps = handlerHistory<MyContext>(new StorageHistory(storage, { prefix: "bot1:steps:" }));
 * const back = { inline_keyboard: [[{ text: "Back", callback_data: "back" }]] };
 *
 * bot.command("shop", steps.named("shop", (ctx) => ctx.reply("Pick: /item_1 /item_2")));
 * bot.hears(/^\/item_(\d+)$/, steps.named("item", {
 *   data: (ctx) => ({ id: Number(ctx.message?.text?.slice(6)) }),
 *   handler: (ctx, item) => ctx.reply(`Item ${item.id}`, { reply_markup: back }),
 * }));
 * bot.callbackQuery("back", async (ctx) => {
 *   await ctx.answerCallbackQuery();
 *   if (!(await steps.back(ctx))) await ctx.reply("You are at the start.");
 * });
 * ```
 */
export function handlerHistory<C extends Context>(
  history: History,
  options: HandlerHistoryOptions = {},
): HandlerHistory<C> {
  const scope = options.scope ?? scopes.userInChat;
  const handlers = new Map<string, StepHandler<C, JsonValue>>();
  const scopeOf = (ctx: C) => scope(keysOf(ctx));

  const run = async (record: HistoryRecord, ctx: C) => {
    const handler = handlers.get(record.step);
    if (handler === undefined) throw new UnknownStepError(record.step, [...handlers.keys()]);
    await handler(ctx, record.data);
  };

  return {
    named<D extends JsonValue>(
      name: string,
      step: StepHandler<C, null> | DataStep<C, D>,
    ): MiddlewareFn<C> {
      if (typeof name !== "string" || name === "" || handlers.has(name)) {
        throw new InvalidArgumentError("name", "a non-empty step name not registered yet", name);
      }
      // Each handler is only ever called with the data its own `data` read (or recorded).
      const { data: read, handler } = (
        typeof step === "function" ? { data: () => null, handler: step } : step
      ) as DataStep<C, JsonValue>;
      handlers.set(name, handler);
      return async (ctx) => {
        const data = read(ctx);
        // Checked and copied before the handler runs: a non-JSON value fails before any side
        // effect, and what is recorded is the input, whatever the handler does to it.
        const recorded = toJsonText(data);
        await handler(ctx, data);
        const key = scopeOf(ctx);
        if (key !== undefined) await history.push(key, { step: name, data: JSON.parse(recorded) });
      };
    },
    scopeOf,
    async steps(ctx) {
      const key = scopeOf(ctx);
      return key === undefined ? [] : await history.list(key);
    },
    async replay(ctx) {
      const key = scopeOf(ctx);
      const record = key === undefined ? undefined : await history.peek(key);
      if (record !== undefined) await run(record, ctx);
      return record;
    },
    async back(ctx) {
      const key = scopeOf(ctx);
      const record = key === undefined ? undefined : await history.back(key);
      if (record !== undefined) await run(record, ctx);
      return record;
    },
    async clear(ctx) {
      const key = scopeOf(ctx);
      if (key !== undefined) await history.clear(key);
    },
  };
}
