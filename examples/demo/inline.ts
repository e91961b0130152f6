/** Inline mode: `@bot par` lists the demo's known cities through colloquy's answerer. */
import { answerer } from "colloquy/grammy";
import { type Context, InlineQueryResultBuilder, type MiddlewareObj } from "grammy";
import { type OfflineWeather, weatherTexts } from "./weather/index.js";

/** Answers inline queries with the cities whose name contains the query, newest query winning. */
export function citySearch<C extends Context>(table: OfflineWeather): MiddlewareObj<C> {
  return answerer<C>((ctx) => {
    const results = table
      .search(ctx.inlineQuery.query)
      .slice(0, 20)
      .map((city) =>
        InlineQueryResultBuilder.article(`city-${city.name}`, city.name).text(
          weatherTexts.found(city),
        ),
      );
    return { results, options: { cache_time: 0 } };
  });
}
