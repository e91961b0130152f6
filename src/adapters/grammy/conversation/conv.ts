/**
 * `conv`: everything a durable conversation's code may not compute by itself goes through it, so
 * that a replay can feed the code what it got the first time.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import type { Context, Filter, FilterQuery } from "grammy";
import type { CaptureCriteria } from "../../../capture.js";
import { assertJson, type JsonValue } from "../../../json.js";
import { assertDurationMs } from "../../../validate.js";
import type {
  AskOptions,
  Unfiltered,
  WaitForCallbackQueryOptions,
  WaitForOptions,
} from "../flavor.js";
import { ask, waitFor, waitForCallbackQuery } from "../waits.js";
import type { Execution } from "./execution.js";

/**
 * The first argument of a conversation's function. Waits, Bot API results, external calls, the
 * time and random numbers are journaled: live they happen and are recorded; on replay (after a
 * restart) the recorded results come back and nothing is sent.
 *
 * Calls on the contexts the conversation holds (`ctx.reply`, `answer.editMessageText`,
 * `ctx.api.*`, even `answer.ask`) are journaled too. Anything else the code reads from outside —
 * a database, `Date.now()`, `Math.random()`, a `session` — must go through
 * {@link Conversation.external}, {@link Conversation.now} or {@link Conversation.random}, or a
 * replay may take another path and end in `ReplayMismatchError`.
 */
export interface Conversation<C extends Context = Context> {
  /** The conversation's id. */
  readonly id: string;
  /** `true` while the code is being replayed from the journal (nothing is sent meanwhile). */
  readonly replaying: boolean;
  /**
   * Sends `text` (or edits `editMessageId` into it) and waits for the user's answer: `ctx.ask`
   * inside the conversation, with the same options and errors.
   */
  ask(text: string, options?: AskOptions<Unfiltered<C>>): Promise<Unfiltered<C>>;
  /** Waits for the user's next update that matches a grammY filter query. */
  waitFor<Q extends FilterQuery>(
    query: Q | Q[],
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Filter<Unfiltered<C>, Q>>;
  /** Waits for the user's next update that the predicate accepts. */
  waitFor(
    predicate: (ctx: Unfiltered<C>) => boolean,
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Unfiltered<C>>;
  /** Waits for the user's next update that matches capture criteria. */
  waitFor(
    criteria: CaptureCriteria<Update>,
    options?: WaitForOptions<Unfiltered<C>>,
  ): Promise<Unfiltered<C>>;
  /** Waits for a press of an inline button, by default on the newest prompt, and answers it. */
  waitForCallbackQuery(
    options?: WaitForCallbackQueryOptions<Unfiltered<C>>,
  ): Promise<Filter<Unfiltered<C>, "callback_query:data">>;
  /**
   * Runs `fn` once and journals its result, which must be JSON (or `undefined`); a thrown error
   * is journaled and thrown again on replay, as an `Error` with the same name and message.
   * `name` tells calls apart in `ReplayMismatchError` messages.
   *
   * @example
   * ```ts
   * const price = await conv.external(() => prices.lookup(item), "price");
   * ```
   */
  external<T>(fn: () => T | Promise<T>, name?: string): Promise<T>;
  /** The clock's time in epoch milliseconds, journaled. */
  now(): number;
  /** `Math.random()`, journaled. */
  random(): number;
  /** Pauses for `ms`, durably: a restart in between resumes at the same deadline. */
  sleep(ms: number): Promise<void>;
  /** Ends the conversation here, quietly: its journal is removed and nothing after runs. */
  halt(): Promise<never>;
  /**
   * Ends this run and starts the conversation afresh with `args` and an empty journal: the way
   * to write a loop that runs for ever without reaching `maxSteps`.
   *
   * @example
   * ```ts
   * const counter = conversation("counter", async (conv, ctx, total: number) => {
   *   const answer = await conv.waitFor("message:text");
   *   await answer.reply(`Total: ${total + 1}`);
   *   return conv.continueAsNew(total + 1);
   * });
   * ```
   */
  continueAsNew(args: JsonValue): Promise<never>;
}

/** The {@link Conversation} of one execution. */
export class Conv implements Conversation<never> {
  readonly #execution: Execution;

  constructor(execution: Execution) {
    this.#execution = execution;
  }

  get id(): string {
    return this.#execution.spec.id;
  }

  get replaying(): boolean {
    return this.#execution.cursor.replaying;
  }

  ask(text: string, options?: AskOptions<never>): Promise<never> {
    const { deps, ctx } = this.#execution;
    return ask(deps, ctx, text, options as never) as Promise<never>;
  }

  waitFor(query: never, options?: WaitForOptions<never>): Promise<never> {
    const { deps, ctx } = this.#execution;
    return waitFor(deps, ctx, query, options as never) as Promise<never>;
  }

  waitForCallbackQuery(options?: WaitForCallbackQueryOptions<never>): Promise<never> {
    const { deps, ctx } = this.#execution;
    return waitForCallbackQuery(deps, ctx, options as never) as Promise<never>;
  }

  external<T>(fn: () => T | Promise<T>, name = "external"): Promise<T> {
    return this.#execution.external(fn, name);
  }

  now(): number {
    const { clock } = this.#execution.spec;
    return this.#execution.value("now", () => clock.now());
  }

  random(): number {
    return this.#execution.value("random", Math.random);
  }

  sleep(ms: number): Promise<void> {
    assertDurationMs("conv.sleep(ms)", ms);
    return this.#execution.sleep(ms);
  }

  halt(): Promise<never> {
    return Promise.reject(this.#execution.stop("halt"));
  }

  continueAsNew(args: JsonValue): Promise<never> {
    assertJson(args);
    return Promise.reject(this.#execution.stop("continue", args));
  }
}
