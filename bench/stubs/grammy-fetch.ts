/**
 * A `fetch` for grammY's `client` option. Stubbing at the fetch level (not with an API
 * transformer) matters: @grammyjs/conversations v2 builds its own `Api` from the client options
 * and does not apply `bot.api.config.use` transformers, so only this reaches every peer alike.
 *
 * @module
 */
import type { ApiClientOptions } from "grammy";
import { botApiRespond } from "./bot-api.js";

/** The fetch type grammY's client options take. */
type GrammyFetch = NonNullable<ApiClientOptions["fetch"]>;

interface StubResponse {
  readonly ok: true;
  readonly status: 200;
  json(): Promise<unknown>;
}

/** The Bot API method a request URL names: `…/bot<token>/<method>`. */
function methodOf(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

/**
 * Answers grammY's API requests from {@link botApiRespond}. grammY sends JSON bodies for
 * everything but file uploads, which the benchmarks do not make.
 */
export const stubFetch: GrammyFetch = ((url: string, init?: { body?: unknown }) => {
  const body = typeof init?.body === "string" ? init.body : "";
  const text = botApiRespond(methodOf(String(url)), body);
  const response: StubResponse = {
    ok: true,
    status: 200,
    json: () => Promise.resolve(JSON.parse(text)),
  };
  return Promise.resolve(response);
}) as unknown as GrammyFetch;
