/**
 * The context flavor and option types of the grammY plugin.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import type { Api, Context, Filter, FilterQuery } from "grammy";
import type { CaptureCriteria } from "../../capture.js";
import type { BypassOption } from "./answers.js";

/** Options every wait takes. */
export interface WaitForOptions<C extends Context = Context> {
  /** Rejects with `ListenerTimeoutError` after this long; defaults to the plugin's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Aborting it ends the wait with `ListenerCancelledError` (reason "cancelled"). */
  readonly signal?: AbortSignal;
  /** Runs at the deadline, before the wait rejects — not when the next update happens to come. */
  readonly onTimeout?: () => unknown;
  /** A second wait on the same key: "replace" (default) cancels the first; "reject" fails the second. */
  readonly duplicate?: "replace" | "reject";
  /** Whose updates answer: the same user in this chat and topic (default), or anyone there. */
  readonly from?: "user" | "chat";
  /** Only updates that answer this message: a reply to it, or a press of one of its buttons. */
  readonly answering?: number;
  /**
   * Handles updates from the same scope that do not match, while the wait goes on. Without it
   * they flow on to the normal handlers.
   */
  readonly otherwise?: (ctx: C) => unknown;
  /** What ends the wait and goes on to the normal handlers instead; defaults to the plugin's. */
  readonly bypass?: BypassOption;
  /** Observes a failed wait (timeout, cancel, ...); the error is rethrown afterwards all the same. */
  readonly onWaitError?: (error: unknown, ctx: C) => unknown;
}

/** `sendMessage`'s options (`reply_markup`, `parse_mode`, `link_preview_options`, ...). */
export type SendOptions = NonNullable<Parameters<Api["sendMessage"]>[2]>;

/** Options of `ctx.ask`: the wait's options plus `sendMessage`'s, which pass through. */
export type AskOptions<C extends Context = Context> = WaitForOptions<C> &
  SendOptions & {
    /** Edit this message of the bot's into the prompt instead of sending a new one. */
    readonly editMessageId?: number;
    /** Only a reply to the prompt (or a press of its buttons) answers. */
    readonly requireReply?: boolean;
  };

/** Options of `ctx.waitForCallbackQuery`. */
export interface WaitForCallbackQueryOptions<C extends Context = Context>
  extends WaitForOptions<C> {
  /**
   * The message whose buttons count. Default: the newest prompt this handler sent with `ask`,
   * else any message in the chat. `"any"` accepts presses on any message.
   */
  readonly messageId?: number | "any";
  /** Only presses whose data equals this, is one of these, or matches this pattern. */
  readonly data?: string | readonly string[] | RegExp;
  /** Answer the press (`answerCallbackQuery`) so the button stops spinning (default true). */
  readonly answer?: boolean;
}

/**
 * A context type without the narrowing of the filter that ran its handler: the answer to an
 * `ask` made in `bot.command(...)` is not a command. Flavors (session, ...) are kept.
 */
export type Unfiltered<C extends Context> = Omit<C, keyof Context> & Context;

/**
 * Adds `ask` and the `waitFor…` methods to grammY's context.
 *
 * @example
 * ```ts
 * type MyContext = Context & ColloquyFlavor;
 * const bot = new Bot<MyContext>(token);
 * bot.use(colloquy());
 * bot.command("name", async (ctx) => {
 *   const answer = await ctx.ask("What is your name?");
 *   await answer.reply(`Hello, ${answer.message?.text}!`);
 * });
 * ```
 */
export interface ColloquyFlavor {
  /**
   * Sends `text` (or edits `editMessageId` into it), then waits for the same user's next answer
   * in this chat and topic, and returns the answer's context. A press of the prompt's inline
   * buttons answers too.
   */
  ask<C extends Context>(
    this: C,
    text: string,
    options?: AskOptions<Unfiltered<C>>,
  ): Promise<Unfiltered<C>>;
  /** Waits for the next update from this user here that matches a grammY filter query. */
  waitFor<C extends Context, Q extends FilterQuery>(
    this: C,
    query: Q | Q[],
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Filter<Unfiltered<C>, Q>>;
  /** Waits for the next update from this user here that the predicate accepts. */
  waitFor<C extends Context>(
    this: C,
    predicate: (ctx: Unfiltered<C>) => boolean,
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Unfiltered<C>>;
  /**
   * Waits for the next update from this user here that matches telepot-style capture criteria
   * (nested partial objects, literals, predicates, RegExps, arrays as any-of, `_` for the whole).
   *
   * @example
   * ```ts
   * const code = await ctx.waitFor({ message: { text: /^\d{6}$/ } });
   * ```
   */
  waitFor<C extends Context>(
    this: C,
    criteria: CaptureCriteria<Update>,
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Unfiltered<C>>;
  /** Waits for a press of an inline button: by default on the newest prompt, and answers it. */
  waitForCallbackQuery<C extends Context>(
    this: C,
    options?: WaitForCallbackQueryOptions<Unfiltered<C>>,
  ): Promise<Filter<Unfiltered<C>, "callback_query:data">>;
}
