/**
 * Failures that come after an update was done — a handler that resumed from a wait, an inline
 * answer, a delegate, a wait's timeout hook — go to an error hook. A hook that throws (say, to
 * "pass the error on") has nobody left to throw to: it is logged, and must never become an
 * unhandled rejection, which would end the process. Checked under `bot.start()` and
 * @grammyjs/runner, where grammY's own error handling is done with the update by then.
 */
import { run, sequentialize } from "@grammyjs/runner";
import { answerer, delegate } from "colloquy/grammy";
import { ManualClock, UpdateFactory } from "colloquy/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { seeders } from "../../src/delegation/seeders.js";
import { ListenerRegistry } from "../../src/listeners/registry.js";
import { inlineQuery, testBot } from "../delegation/harness.js";
import { createTestBot, feedUpdates } from "../support/grammy.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const rethrow = (error: unknown) => {
  throw error;
};
const spyOnErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("an error hook that throws, where nothing awaits it", () => {
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(String(reason));
  let logged: ReturnType<typeof spyOnErrors>;
  beforeEach(() => {
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
    logged = spyOnErrors();
  });
  afterEach(() => {
    process.off("unhandledRejection", onUnhandled);
    vi.restoreAllMocks();
  });
  /** Once `text` was logged: it was, once, and nothing was left unhandled. */
  const loggedOnce = async (text: string) => {
    const matching = () =>
      logged.mock.calls.filter((call) => call.map(String).join(" ").includes(text));
    await vi.waitFor(() => expect(matching().length + unhandled.length).toBeGreaterThan(0));
    await settle();
    expect(unhandled).toEqual([]);
    expect(matching()).toHaveLength(1);
  };

  const polling = {
    "bot.start()": (bot: ReturnType<typeof createTestBot>["bot"]) => {
      const started = bot.start();
      return async () => {
        await bot.stop();
        await started;
      };
    },
    "@grammyjs/runner": (bot: ReturnType<typeof createTestBot>["bot"]) => {
      const runner = run(bot, { runner: { silent: true } });
      return () => runner.stop();
    },
  };
  for (const [name, start] of Object.entries(polling)) {
    it(`the plugin's onError, for a handler that fails after it resumed, under ${name}`, async () => {
      const { bot } = createTestBot({
        onError: rethrow,
        // The runner handles updates side by side: a chat's reply must wait for its /name.
        before: (b) => b.use(sequentialize((ctx) => String(ctx.chat?.id))),
      });
      bot.command("name", async (ctx) => {
        const answer = await ctx.ask("Name?");
        throw new Error(`no names like ${answer.message?.text}`);
      });
      const user = new UpdateFactory({ from: ann });
      feedUpdates(bot.api, [user.command("/name"), user.text("Ann")]);
      const stop = start(bot);
      try {
        await loggedOnce("no names like Ann");
      } finally {
        await stop();
      }
    });
  }

  it("the registry's onError, for a wait's onTimeout hook that rejects", async () => {
    const clock = new ManualClock();
    const registry = new ListenerRegistry({
      clock,
      keysOf: () => ({ kind: "message" }),
      onError: rethrow,
    });
    const wait = registry.wait(
      { chatId: 1 },
      { timeoutMs: 10, onTimeout: () => Promise.reject(new Error("could not say goodbye")) },
    );
    wait.catch(() => {});
    clock.advance(10);
    await loggedOnce("could not say goodbye");
  });

  it("the answerer's onError, for an inline answer that fails", async () => {
    const { bot } = testBot();
    bot.use(answerer(() => Promise.reject(new Error("search down")), { onError: rethrow }));
    await bot.handleUpdate(inlineQuery(1, "x"));
    await loggedOnce("search down");
  });

  it("the delegate's onError, when it rejects", async () => {
    const { bot } = testBot();
    const fail = () => Promise.reject(new Error("delegate broke"));
    bot.use(delegate(seeders.perChat(), fail, { onError: (error) => Promise.reject(error) }));
    await bot.handleUpdate(new UpdateFactory({ from: ann }).text("x"));
    await loggedOnce("delegate broke");
  });
});
