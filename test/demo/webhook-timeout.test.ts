/**
 * The demo's webhook server when an update's handling outlasts the request: the request fails
 * (so the sender delivers the update again), and a failure that comes after that is logged once
 * with the update id — never an unhandled rejection, which would end the process.
 */
import type { AddressInfo } from "node:net";
import { UpdateFactory } from "colloquy/testing";
import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { serveWebhook } from "../../examples/demo/webhook.js";
import { LocalBotApi } from "../../src/adapters/local-api.js";

describe("the demo's webhook server with a handler that fails after the timeout", () => {
  const unhandled: string[] = [];
  // Kept as text: printing a grammY BotError walks its context's API proxy, which calls the API.
  const onUnhandled = (reason: unknown) => unhandled.push(String(reason));
  beforeEach(() => {
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled);
    vi.restoreAllMocks();
  });

  it("answers 5xx, logs the late failure once with the update id, and rejects nothing unheard", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const bot = new Bot("123:test", { botInfo: new LocalBotApi().botInfo });
    let fail: (error: Error) => void = () => {};
    let begin = () => {};
    const started = new Promise<void>((resolve) => {
      begin = resolve;
    });
    // Handling that is still going on when the request times out, and fails when told to.
    bot.on(
      "message",
      () =>
        new Promise<never>((_, reject) => {
          fail = reject;
          begin();
        }),
    );
    const server = await serveWebhook(bot, { port: 0, secret: "s", timeoutMs: 50 });
    try {
      const { port } = server.address() as AddressInfo;
      const update = new UpdateFactory({}, 4242).command("/start");
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s" },
        body: JSON.stringify(update),
      });
      await started;
      expect(response.status).toBe(500);

      const late = new Error("the claim waited out a Redis stall");
      fail(late);
      const lateLogs = () =>
        errors.mock.calls.filter((call) => call.some((arg) => arg === late || hasCause(arg, late)));
      await vi.waitFor(() => expect(lateLogs().length + unhandled.length).toBeGreaterThan(0));
      // A rejection nobody handles is reported after the microtasks of its turn have run.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(lateLogs()).toHaveLength(1);
      expect(String(lateLogs()[0]?.[0])).toContain("4242");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function hasCause(value: unknown, cause: unknown): boolean {
  return (
    typeof value === "object" && value !== null && (value as { error?: unknown }).error === cause
  );
}
