import type { Update } from "@grammyjs/types";
import { safeWebhookCallback } from "colloquy/grammy";
import { ManualClock, UpdateFactory } from "colloquy/testing";
import { Bot, BotError } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalBotApi } from "../../src/adapters/local-api.js";
import { WebhookTimeoutError } from "../../src/webhook-errors.js";

/** A bot whose message handler runs until the test settles it. */
function stallingBot() {
  const bot = new Bot("123:test", { botInfo: new LocalBotApi().botInfo });
  const handling = { started: 0, succeed: () => {}, fail: (_error: Error) => {} };
  bot.on("message", () => {
    handling.started++;
    return new Promise<void>((resolve, reject) => {
      handling.succeed = resolve;
      handling.fail = reject;
    });
  });
  return { bot, handling };
}

/** Lets every promise reaction queued so far run, however long their chains. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("safeWebhookCallback", () => {
  const unhandled: string[] = [];
  const late: [unknown, Update][] = [];
  // Kept as text: printing a grammY BotError walks its context's API proxy, which calls the API.
  const onUnhandled = (reason: unknown) => unhandled.push(String(reason));
  beforeEach(() => {
    unhandled.length = 0;
    late.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled);
    vi.restoreAllMocks();
  });

  const update = new UpdateFactory({}, 77).text("hi");
  /** A request whose handling is under way, with its clock; `timeOut` moves it to its deadline. */
  const requested = async (onTimeout: "throw" | "return" = "throw") => {
    const { bot, handling } = stallingBot();
    const clock = new ManualClock();
    const handle = safeWebhookCallback(bot, "callback", {
      timeoutMs: 1_000,
      onTimeout,
      clock,
      onLateError: (error, failed) => late.push([error, failed]),
    });
    const request = handle(update, () => {});
    await settle();
    return { request, handling, clock, timeOut: () => clock.advance(1_000) };
  };

  it("fails the request at the deadline; a later failure reaches onLateError once, unwrapped", async () => {
    const { request, handling, timeOut } = await requested();
    timeOut();
    const error = await request.catch((rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(WebhookTimeoutError);
    expect(error).toMatchObject({ code: "WEBHOOK_TIMEOUT", updateId: 77, timeoutMs: 1_000 });

    const cause = new Error("LockTimeoutError, say");
    handling.fail(cause);
    await settle();
    expect(late).toEqual([[cause, update]]);
    expect(unhandled).toEqual([]);
  });

  it('answers success at the deadline with onTimeout: "return", and still reports a late failure', async () => {
    const { request, handling, timeOut } = await requested("return");
    timeOut();
    await expect(request).resolves.toBeUndefined();
    handling.fail(new Error("late"));
    await settle();
    expect(late).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  it("rejects with grammY's BotError when handling fails in time, and reports nothing late", async () => {
    const { request, handling, clock } = await requested();
    handling.fail(new Error("early"));
    await expect(request).rejects.toBeInstanceOf(BotError);
    expect(clock.pendingTimers).toBe(0);
    expect(late).toEqual([]);
  });

  it("reports nothing for handling that succeeds after the deadline", async () => {
    const { request, handling, timeOut } = await requested();
    timeOut();
    await expect(request).rejects.toBeInstanceOf(WebhookTimeoutError);
    handling.succeed();
    await settle();
    expect(late).toEqual([]);
    expect(handling.started).toBe(1);
  });

  it("logs a late failure with the update id by default, and a throwing onLateError too", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const clock = new ManualClock();
    for (const onLateError of [undefined, () => Promise.reject(new Error("hook failed"))]) {
      const { bot, handling } = stallingBot();
      const handle = safeWebhookCallback(bot, "callback", {
        timeoutMs: 1_000,
        clock,
        ...(onLateError === undefined ? {} : { onLateError }),
      });
      const request = handle(update, () => {}).catch(() => {});
      await settle();
      clock.advance(1_000);
      await request;
      handling.fail(new Error("late"));
      await settle();
    }
    expect(errors).toHaveBeenCalledTimes(2);
    expect(String(errors.mock.calls[0]?.[0])).toContain("update 77 failed after");
    expect(String(errors.mock.calls[1]?.[0])).toContain("onLateError failed");
    expect(unhandled).toEqual([]);
  });

  it("keeps grammY's own behaviour: the secret check, and no bot.start() once serving webhooks", async () => {
    const { bot } = stallingBot();
    bot.on("callback_query", () => {});
    const handle = safeWebhookCallback(bot, "callback", { secretToken: "s" });
    const answers: unknown[] = [];
    await handle(
      update,
      () => {},
      "wrong",
      () => answers.push("unauthorized"),
    );
    expect(answers).toEqual(["unauthorized"]);
    expect(() => bot.start()).toThrow(/webhooks/);
  });
});
