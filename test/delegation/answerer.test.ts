import type { InlineQueryResult } from "@grammyjs/types";
import { describe, expect, it, vi } from "vitest";
import { answerer } from "../../src/adapters/grammy/answerer.js";
import { Answerer } from "../../src/delegation/answerer.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { deferred, flush, inlineQuery, testBot } from "./harness.js";

const article = (id: string): InlineQueryResult => ({
  type: "article",
  id,
  title: id,
  input_message_content: { message_text: id },
});

describe("answerer()", () => {
  it("answers with the latest query only; the stale answer is never sent", async () => {
    const { bot, api } = testBot();
    const release = new Map<string, () => void>();
    const aborted: string[] = [];
    const answers = answerer(async (ctx, signal) => {
      const query = ctx.inlineQuery.query;
      signal.addEventListener("abort", () => aborted.push(query));
      const gate = deferred();
      release.set(query, gate.resolve);
      await gate.promise; // a slow search that ignores its signal
      return [article(query)];
    });
    bot.use(answers);
    const older = inlineQuery(7, "ber");
    const newer = inlineQuery(7, "berlin");
    await bot.handleUpdate(older); // returns at once: the computation runs on
    await bot.handleUpdate(newer);
    expect(aborted).toEqual(["ber"]);
    release.get("berlin")?.();
    release.get("ber")?.();
    await answers.settled();
    const answered = api.calls.filter((c) => c.method === "answerInlineQuery");
    expect(answered.map((c) => c.payload.inline_query_id)).toEqual([newer.inline_query?.id]);
    expect(answered[0]?.payload.results).toEqual([article("berlin")]);
    expect(answers.size).toBe(0);
  });

  it("keeps users independent and passes answerInlineQuery options through", async () => {
    const { bot, api } = testBot();
    const answers = answerer((ctx) => ({
      results: [article(ctx.inlineQuery.query)],
      options: { cache_time: 0 },
    }));
    bot.use(answers);
    await bot.handleUpdate(inlineQuery(1, "a"));
    await bot.handleUpdate(inlineQuery(2, "b"));
    await answers.settled();
    const answered = api.calls.filter((c) => c.method === "answerInlineQuery");
    expect(answered.map((c) => [c.payload.cache_time, c.payload.results])).toEqual([
      [0, [article("a")]],
      [0, [article("b")]],
    ]);
  });

  it("passes other updates on, and errors to onError", async () => {
    const { bot } = testBot();
    const onError = vi.fn();
    const rest = vi.fn();
    bot.use(
      answerer(
        () => {
          throw new Error("search down");
        },
        { onError },
      ),
    );
    bot.on("message", rest);
    await bot.handleUpdate(new UpdateFactory().text("hi"));
    await bot.handleUpdate(inlineQuery(1, "x"));
    await flush();
    expect(rest).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(new Error("search down"), expect.anything());
  });
});

describe("Answerer", () => {
  it("swallows the failure of a computation it aborted, and reports the latest's", async () => {
    const delivered: string[] = [];
    const answers = new Answerer<string, string>(
      (query, signal) =>
        new Promise((resolve, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason));
          if (query === "fails") reject(new Error("fails"));
          if (query === "ok") resolve(query);
        }),
      (_query, result) => delivered.push(result),
    );
    const stale = answers.answer(1, "hangs");
    const failing = answers.answer(1, "fails");
    await expect(stale).resolves.toBe(false);
    await expect(failing).rejects.toThrow("fails");
    await expect(answers.answer(1, "ok")).resolves.toBe(true);
    expect(delivered).toEqual(["ok"]);
    expect(answers.size).toBe(0);
  });
});
