/**
 * A handler that ends because its wait was cancelled (a command's bypass, a signal, a shutdown)
 * ends quietly: nothing on stderr by default, the reason in `onError` and in debug logging; and
 * what is logged says truly which update the handler belonged to (issue 22, §3).
 */
import { format } from "node:util";
import { ListenerCancelledError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import createDebug from "debug";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { createTestBot } from "../support/grammy.js";

const ann = { id: 1, is_bot: false, first_name: "Ann" };

let stderr: string[];
let spies: MockInstance[];

beforeEach(() => {
  stderr = [];
  const capture = (...args: unknown[]) => {
    stderr.push(format(...args));
  };
  spies = [
    vi.spyOn(console, "error").mockImplementation(capture),
    vi.spyOn(console, "warn").mockImplementation(capture),
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    }),
  ];
});
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

/** The README's first example, with the plugin's default options unless `onError` is given. */
function readmeBot(onError?: (error: unknown, updateId: number) => void) {
  const test = createTestBot({ onError: onError as never, timeoutMs: 5 * 60_000 });
  test.bot.command("start", async (ctx) => {
    const name = await ctx.ask("Hi! What is your name?");
    const age = await name.ask(`Nice to meet you, ${name.message?.text}. How old are you?`);
    await age.reply(`${name.message?.text} is ${age.message?.text}. Noted!`);
  });
  test.bot.on("message", (ctx) => ctx.reply("Send /start to begin."));
  const user = new UpdateFactory({ from: ann });
  const send = (text: string) =>
    test.bot.handleUpdate(text.startsWith("/") ? user.command(text) : user.text(text));
  return { ...test, send };
}

/** Lets the cancelled handlers' promise chains run to their end. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a handler whose wait a command cancelled", () => {
  it.each([
    ["/start, Ann, /start", ["/start", "Ann", "/start"]],
    ["/start, /start", ["/start", "/start"]],
  ])("ends quietly by default: %s", async (_, lines) => {
    const { send, sent } = readmeBot();
    for (const line of lines) await send(line);
    await settle();
    expect(stderr).toEqual([]);
    expect(sent().at(-1)).toBe("Hi! What is your name?");
  });

  it("is told to onError with the reason and the update the handler was last resumed by", async () => {
    const errors: [unknown, number][] = [];
    const { send } = readmeBot((error, updateId) => errors.push([error, updateId]));
    for (const line of ["/start", "Ann", "/start"]) await send(line);
    await settle();
    expect(errors).toHaveLength(1);
    const [error, updateId] = errors[0] ?? [];
    expect(error).toBeInstanceOf(ListenerCancelledError);
    expect((error as ListenerCancelledError).reason).toBe("bypass");
    expect(updateId).toBe(2);
  });

  it("is logged under DEBUG=colloquy:* with its reason and the update that started it", async () => {
    const lines: string[] = [];
    const enabled = createDebug.disable();
    const log = createDebug.log;
    createDebug.enable("colloquy:*");
    createDebug.log = (...args: unknown[]) => lines.push(format(...args));
    try {
      const { send } = readmeBot();
      for (const line of ["/start", "/start"]) await send(line);
      await settle();
    } finally {
      createDebug.log = log;
      createDebug.disable();
      if (enabled !== "") createDebug.enable(enabled);
    }
    const ended = lines.filter((line) => line.includes("cancelled"));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toContain("started by update 1");
    expect(ended[0]).toContain("bypass");
    expect(ended[0]).not.toContain("resumed");
  });
});

describe("what the default error log says", () => {
  it("names the update that started a handler that failed without being resumed", async () => {
    const { bot, clock } = createTestBot({ onError: undefined as never });
    bot.command("slow", async (ctx) => {
      await ctx.ask("Quick?", { timeoutMs: 1_000 });
    });
    await bot.handleUpdate(new UpdateFactory({ from: ann }).command("/slow"));
    await clock.advanceAsync(1_000);
    await settle();
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain("started by update 1");
    expect(stderr[0]).not.toContain("resumed");
  });

  it("does not blame an update for an error that belongs to none", async () => {
    const { bot } = createTestBot({
      onError: undefined as never,
      onWaitError: () => {
        throw new Error("hook failed");
      },
    });
    bot.command("a", (ctx) => ctx.ask("A?").catch(() => {}));
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/a"));
    await bot.handleUpdate(user.command("/a"));
    await settle();
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain("hook failed");
    expect(stderr[0]).not.toContain("update");
  });
});
