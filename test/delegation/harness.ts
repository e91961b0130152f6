import type { InlineQuery, Update } from "@grammyjs/types";
import { Bot } from "grammy";
import { LocalBotApi } from "../../src/adapters/local-api.js";

/** A real grammY bot whose Bot API calls are answered locally and recorded. */
export function testBot(): { bot: Bot; api: LocalBotApi; sent: () => string[] } {
  const api = new LocalBotApi();
  const bot = new Bot("test", { botInfo: api.botInfo });
  bot.api.config.use(api.transformer);
  const sent = () =>
    api.calls
      .filter((call) => call.method === "sendMessage")
      .map((call) => `${String(call.payload.chat_id)}: ${String(call.payload.text)}`);
  return { bot, api, sent };
}

/** Lets every promise chain started so far run to its end (none of them waits on real I/O). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolve function, to hold a delegate at a chosen point. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Tracks whether a promise has settled yet, without awaiting it. */
export function track(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  const settle = () => {
    state.settled = true;
  };
  promise.then(settle, settle);
  return state;
}

let inlineIds = 0;

/** An inline query update from user `userId`. */
export function inlineQuery(userId: number, query: string, updateId = 90_000 + inlineIds): Update {
  const inline_query: InlineQuery = {
    id: `q${++inlineIds}`,
    from: { id: userId, is_bot: false, first_name: "Ann" },
    query,
    offset: "",
  };
  return { update_id: updateId, inline_query };
}
