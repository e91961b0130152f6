import { AssertionError } from "node:assert";
import { InvalidArgumentError } from "colloquy";
import { type ColloquyFlavor, colloquy } from "colloquy/grammy";
import { expectTranscript, ManualClock } from "colloquy/testing";
import { Bot, type Context, InlineKeyboard, Keyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// grammY logs a handler's error when the bot has no error handler; the transcript shows it.
beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

type AskContext = Context & ColloquyFlavor;

/** A bot with inline and reply keyboards, an edit, a toast and a failing command. */
function shopBot(): Bot {
  const bot = new Bot("test");
  bot.command("start", (ctx) => ctx.reply(`Hi, ${ctx.from?.first_name}! Try /menu or /size.`));
  bot.command("menu", (ctx) =>
    ctx.reply("Pick a fruit:", {
      reply_markup: new InlineKeyboard().text("Apple", "apple").text("Pear", "pear"),
    }),
  );
  bot.callbackQuery(/.+/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: `Picked ${ctx.callbackQuery.data}` });
    await ctx.editMessageText(`You picked ${ctx.callbackQuery.data}.`);
  });
  bot.command("size", (ctx) =>
    ctx.reply("Which size?", { reply_markup: new Keyboard().text("small").text("large") }),
  );
  bot.command("boom", () => {
    throw new TypeError("kaboom");
  });
  bot.on("message:text", (ctx) =>
    ctx.reply(`Size ${ctx.message.text}.`, { reply_markup: { remove_keyboard: true } }),
  );
  return bot;
}

/** A bot that asks for a name with a 60 s timeout on `clock`. */
function askingBot(clock: ManualClock): Bot<AskContext> {
  const bot = new Bot<AskContext>("test");
  bot.use(colloquy({ clock, timeoutMs: 60_000 }));
  bot.command("name", async (ctx) => {
    try {
      const answer = await ctx.ask("Your name?");
      await answer.reply(`Hello, ${answer.message?.text}!`);
    } catch {
      await ctx.reply("Too slow.");
    }
  });
  return bot;
}

async function failureOf(run: Promise<void>): Promise<AssertionError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AssertionError);
  return error as AssertionError;
}

describe("expectTranscript", () => {
  it("passes on the runner's format: buttons, presses, edits, toasts, reply keyboards, errors", async () => {
    await expectTranscript(
      shopBot(),
      `
      you> /start
      bot> Hi, Ann! Try /menu or /size.
      you> /menu
      bot> Pick a fruit:
        [1] Apple  [2] Pear

      you> #2
      bot (toast)> Picked pear
      bot (edited)> You picked pear.
      you> /size
      bot> Which size?
        (reply keyboard) [1] small  [2] large
      you> #1
      bot> Size small.
        (reply keyboard removed)
      you> #1
      (there is no keyboard to press; one sent before this run started is not known here)
      you> /boom
      error> TypeError: kaboom
      `,
    );
  });

  it("names the first line that differs and shows both transcripts around it", async () => {
    const error = await failureOf(
      expectTranscript(
        shopBot(),
        `
        you> /start
        bot> Hi, Ann! Try /menu or /size.
        you> /menu
        bot> Pick a vegetable:
          [1] Apple  [2] Pear
        `,
      ),
    );
    expect(error.message).toBe(
      [
        "The transcript differs at line 4:",
        "  expected: bot> Pick a vegetable:",
        "  actual:   bot> Pick a fruit:",
        "",
        "Expected:",
        "  1 | you> /start",
        "  2 | bot> Hi, Ann! Try /menu or /size.",
        "  3 | you> /menu",
        "> 4 | bot> Pick a vegetable:",
        "  5 |   [1] Apple  [2] Pear",
        "Actual:",
        "  1 | you> /start",
        "  2 | bot> Hi, Ann! Try /menu or /size.",
        "  3 | you> /menu",
        "> 4 | bot> Pick a fruit:",
        "  5 |   [1] Apple  [2] Pear",
      ].join("\n"),
    );
    expect(error.actual).toEqual([
      "you> /start",
      "bot> Hi, Ann! Try /menu or /size.",
      "you> /menu",
      "bot> Pick a fruit:",
      "  [1] Apple  [2] Pear",
    ]);
  });

  it("says when the bot said more, or less, than the transcript", async () => {
    const more = await failureOf(expectTranscript(shopBot(), "you> /menu\nbot> Pick a fruit:"));
    expect(more.message.split("\n").slice(0, 3)).toEqual([
      "The transcript differs at line 3:",
      "  expected: (the end of the transcript)",
      "  actual:     [1] Apple  [2] Pear",
    ]);
    const less = await failureOf(
      expectTranscript(
        shopBot(),
        "you> /menu\nbot> Pick a fruit:\n  [1] Apple  [2] Pear\nbot> Anything else?",
      ),
    );
    expect(less.message).toContain(
      "  expected: bot> Anything else?\n  actual:   (the end of the transcript)",
    );
    expect(less.message).toContain("> 4 | (the end of the transcript)");
  });

  it("matches a line ending in ' …' by what comes before it", async () => {
    await expectTranscript(shopBot(), "you> /start\nbot> Hi, Ann! …");
    const error = await failureOf(expectTranscript(shopBot(), "you> /start\nbot> Hello …"));
    expect(error.message).toContain(
      "  expected: bot> Hello …\n  actual:   bot> Hi, Ann! Try /menu or /size.",
    );
  });

  it("moves the ManualClock on `… N s pass`, so a timeout fires with no waiting", async () => {
    const clock = new ManualClock();
    await expectTranscript(
      askingBot(clock),
      `
      you> /name
      bot> Your name?
      … 59 s pass
      … 1 s pass
      bot> Too slow.
      you> /name
      bot> Your name?
      … 30 s pass
      you> Ada
      bot> Hello, Ada!
      `,
      { clock },
    );
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses a lapse of time without a clock, and a line starting with … that is not one", async () => {
    const bot = askingBot(new ManualClock());
    await expect(expectTranscript(bot, "you> /name\n… 60 s pass")).rejects.toThrow(
      new InvalidArgumentError(
        "options.clock",
        'the ManualClock the bot was given, for "… 60 s pass"',
        undefined,
      ),
    );
    await expect(expectTranscript(bot, "… a while later")).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(expectTranscript(bot, "… a while later")).rejects.toThrow(/60 s pass/);
  });

  it("plays several people in their private chats and a shared group", async () => {
    const bot = new Bot("test");
    bot.command("hi", (ctx) =>
      ctx.reply(`Hi ${ctx.from?.first_name} (${ctx.from?.id}) in ${ctx.chat.type}`),
    );
    bot.command("poke", (ctx) => ctx.api.sendMessage(2, `${ctx.from?.first_name} pokes you`));
    await expectTranscript(
      bot,
      `
      you> /hi
      bot> Hi Ann (1) in private
      ada you> /hi
      bot> Hi Ada (7) in private
      bob@team you> /hi
      bot> Hi bob (2) in supergroup
      ada@team you> /poke
      bot (to bob)> Ada pokes you
      `,
      { people: { ada: { id: 7, firstName: "Ada" } } },
    );
  });

  it("keeps one keyboard per person and chat", async () => {
    const bot = shopBot();
    await expectTranscript(
      bot,
      `
      ada you> /menu
      bot> Pick a fruit:
        [1] Apple  [2] Pear
      bob you> #1
      (there is no keyboard to press; one sent before this run started is not known here)
      ada you> #1
      bot (toast)> Picked apple
      bot (edited)> You picked apple.
      `,
    );
  });

  it("carries on with the same bot in a later transcript", async () => {
    const clock = new ManualClock();
    const bot = askingBot(clock);
    await expectTranscript(bot, "you> /name\nbot> Your name?", { clock });
    await expectTranscript(bot, "you> Ada\nbot> Hello, Ada!", { clock });
  });
});
