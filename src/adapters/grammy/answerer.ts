/**
 * `answerer()`: telepot's inline Answerer as grammY middleware.
 *
 * @module
 */
import type { InlineQueryResult } from "@grammyjs/types";
import type { Context, InlineQueryContext, MiddlewareFn, MiddlewareObj } from "grammy";
import { Answerer } from "../../delegation/answerer.js";
import { detachedHook } from "../../detached.js";

/** What `answerInlineQuery` takes besides the query id and the results. */
export type AnswerInlineQueryOptions = NonNullable<Parameters<Context["answerInlineQuery"]>[1]>;

/** An answer to an inline query: the results, alone or with `answerInlineQuery`'s options. */
export type InlineAnswer =
  | readonly InlineQueryResult[]
  | { readonly results: readonly InlineQueryResult[]; readonly options?: AnswerInlineQueryOptions };

/** Options of {@link answerer}. */
export interface AnswererOptions<C extends Context> {
  /**
   * Receives errors of a computation or of sending its answer. Default: log them. (Answers run
   * after the middleware returns, so they cannot reach `bot.catch`; for the same reason, what
   * this hook throws or rejects with is logged.)
   */
  readonly onError?: (error: unknown, ctx: InlineQueryContext<C>) => void;
}

/** The middleware {@link answerer} returns. */
export interface AnswererMiddleware<C extends Context> extends MiddlewareObj<C> {
  /** Users whose answer is being computed. */
  readonly size: number;
  /** Resolves once every answer under way has been sent or dropped (for shutdown and tests). */
  settled(): Promise<void>;
}

/**
 * Answers inline queries with `compute`, one computation per user: a newer query from the same
 * user aborts the older (`signal`), and nothing is sent for the older one. Other updates go on to
 * the next middleware.
 *
 * The middleware starts the computation and returns at once, so that under `bot.start()` — one
 * update at a time — the user's next keystroke can arrive and supersede it.
 *
 * @example
 * ```ts
 * bot.use(
 *   answerer(async (ctx, signal) => {
 *     const cities = await searchCities(ctx.inlineQuery.query, { signal });
 *     return cities.map((city) => InlineQueryResultBuilder.article(city.id, city.name)
 *       .text(`${city.name}: ${city.population}`));
 *   }),
 * );
 * ```
 */
export function answerer<C extends Context>(
  compute: (
    ctx: InlineQueryContext<C>,
    signal: AbortSignal,
  ) => InlineAnswer | Promise<InlineAnswer>,
  options: AnswererOptions<C> = {},
): AnswererMiddleware<C> {
  const answers = new Answerer<InlineQueryContext<C>, InlineAnswer>(compute, (ctx, answer) =>
    "results" in answer
      ? ctx.answerInlineQuery(answer.results, answer.options)
      : ctx.answerInlineQuery(answer),
  );
  // Nothing awaits the answer: a throwing hook would be an unhandled rejection.
  const onError = detachedHook(
    "the answerer's onError",
    options.onError ??
      ((error: unknown) => console.error("colloquy: answering an inline query failed", error)),
  );
  const middleware: MiddlewareFn<C> = (ctx, next) => {
    if (!ctx.has("inline_query")) return next();
    const query = ctx as InlineQueryContext<C>;
    answers
      .answer(query.inlineQuery.from.id, query)
      .catch((error: unknown) => onError(error, query));
    return Promise.resolve();
  };
  return {
    middleware: () => middleware,
    get size() {
      return answers.size;
    },
    settled: () => answers.settled(),
  };
}
