import { PassThrough } from "node:stream";
import { Bot, InlineKeyboard, InputFile, Keyboard } from "grammy";
import { describe, expect, it, vi } from "vitest";
import { LocalBotApi, runInTerminal } from "../../src/adapters/terminal/index.js";
import { transcriptOf } from "./transcript.js";

function demoBot(): Bot {
  const bot = new Bot("no-token-needed");
  bot.command("start", (ctx) => ctx.reply(`Hello, ${ctx.from?.first_name}! Try /menu.`));
  bot.command("menu", (ctx) =>
    ctx.reply("Pick a fruit:", {
      reply_markup: new InlineKeyboard()
        .text("Apple", "apple")
        .text("Pear", "pear")
        .row()
        .url("Docs", "https://grammy.dev"),
    }),
  );
  bot.callbackQuery(/.+/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: `Picked ${ctx.callbackQuery.data}` });
    await ctx.editMessageText(`You picked ${ctx.callbackQuery.data}.`);
  });
  bot.command("size", (ctx) =>
    ctx.reply("Which size?", {
      reply_markup: new Keyboard().text("small").text("large").row().text("none").oneTime(),
    }),
  );
  bot.hears(["small", "large"], (ctx) =>
    ctx.reply(`Size ${ctx.message?.text}.`, { reply_markup: { remove_keyboard: true } }),
  );
  bot.command("photo", (ctx) =>
    ctx.replyWithPhoto(new InputFile(new Uint8Array([1]), "cat.jpg"), { caption: "A cat" }),
  );
  bot.command("report", (ctx) =>
    ctx.replyWithDocument(new InputFile(new Uint8Array([1]), "report.pdf")),
  );
  bot.command("think", async (ctx) => {
    await ctx.replyWithChatAction("typing");
    await ctx.reply("Line one\nline two");
  });
  bot.command("kick", (ctx) => ctx.banChatMember(99));
  bot.on("message:text", (ctx) => ctx.reply(`You said: ${ctx.message.text}`));
  return bot;
}

describe("runInTerminal transcript (piped input)", () => {
  it("renders commands, replies, keyboards, presses, edits, media and notices", async () => {
    const transcript = await transcriptOf(demoBot(), [
      "/start",
      "/menu",
      "#1",
      "/size",
      "small",
      "/photo",
      "/report",
      "/think",
      "/kick",
      "\\#2 is a hashtag",
    ]);
    expect(transcript).toBe(
      [
        "you> /start",
        "bot> Hello, Ann! Try /menu.",
        "you> /menu",
        "bot> Pick a fruit:",
        "  [1] Apple  [2] Pear  [3] Docs",
        "you> #1",
        "bot (toast)> Picked apple",
        "bot (edited)> You picked apple.",
        "you> /size",
        "bot> Which size?",
        "  (reply keyboard) [1] small  [2] large  [3] none",
        "you> small",
        "bot> Size small.",
        "  (reply keyboard removed)",
        "you> /photo",
        "bot> [photo] A cat",
        "you> /report",
        "bot> [document report.pdf]",
        "you> /think",
        "bot (typing)",
        "bot> Line one",
        "     line two",
        "you> /kick",
        "bot (called banChatMember: not simulated)",
        "you> \\#2 is a hashtag",
        "bot> You said: #2 is a hashtag",
        "",
      ].join("\n"),
    );
  });

  it("explains a press that cannot be sent, and sends nothing", async () => {
    const transcript = await transcriptOf(demoBot(), ["#1", "/menu", "#4", "#3", "#2", "#1"]);
    expect(transcript.split("\n")).toEqual([
      "you> #1",
      "(there is no keyboard to press; one sent before this run started is not known here)",
      "you> /menu",
      "bot> Pick a fruit:",
      "  [1] Apple  [2] Pear  [3] Docs",
      "you> #4",
      "(the newest keyboard has buttons 1 to 3)",
      "you> #3",
      "(button 3 opens https://grammy.dev)",
      "you> #2",
      "bot (toast)> Picked pear",
      "bot (edited)> You picked pear.",
      // The edit removed the keyboard, as it does in Telegram.
      "you> #1",
      "(there is no keyboard to press; one sent before this run started is not known here)",
      "",
    ]);
  });

  it("presses a reply keyboard's button with #N: its text is sent as the person's message", async () => {
    const bot = new Bot("x");
    const seen: unknown[] = [];
    bot.use((ctx, next) => {
      seen.push([ctx.message?.text, ctx.message?.entities]);
      return next();
    });
    bot.command("size", (ctx) =>
      ctx.reply("Which size?", { reply_markup: new Keyboard().text("small").text("large") }),
    );
    bot.command("commands", (ctx) =>
      ctx.reply("Pick one:", { reply_markup: new Keyboard().text("/start").text("hello") }),
    );
    bot.command("start", (ctx) => ctx.reply("Started."));
    bot.on("message:text", (ctx) =>
      ctx.reply(`Size ${ctx.message.text}.`, { reply_markup: { remove_keyboard: true } }),
    );
    const transcript = await transcriptOf(bot, ["/size", "#2", "#1", "/commands", "#1", "#4"]);
    expect(transcript.split("\n")).toEqual([
      "you> /size",
      "bot> Which size?",
      "  (reply keyboard) [1] small  [2] large",
      "you> #2",
      "bot> Size large.",
      "  (reply keyboard removed)",
      "you> #1",
      "(there is no keyboard to press; one sent before this run started is not known here)",
      "you> /commands",
      "bot> Pick one:",
      "  (reply keyboard) [1] /start  [2] hello",
      "you> #1",
      "bot> Started.",
      "you> #4",
      "(the newest keyboard has buttons 1 to 2)",
      "",
    ]);
    // The press sent the button's text, a command with its entity when it is one.
    expect(seen).toEqual([
      ["/size", [{ type: "bot_command", offset: 0, length: 5 }]],
      ["large", undefined],
      ["/commands", [{ type: "bot_command", offset: 0, length: 9 }]],
      ["/start", [{ type: "bot_command", offset: 0, length: 6 }]],
    ]);
  });

  it("presses the newest keyboard of either kind, and falls back once the newer one is gone", async () => {
    const bot = demoBot();
    // /size shows a reply keyboard, /menu then an inline one under a newer message.
    const transcript = await transcriptOf(bot, ["/size", "/menu", "#2", "#3"]);
    expect(transcript.split("\n")).toEqual([
      "you> /size",
      "bot> Which size?",
      "  (reply keyboard) [1] small  [2] large  [3] none",
      "you> /menu",
      "bot> Pick a fruit:",
      "  [1] Apple  [2] Pear  [3] Docs",
      "you> #2",
      "bot (toast)> Picked pear",
      "bot (edited)> You picked pear.",
      // The inline keyboard is gone with the edit: the reply keyboard is the newest again.
      "you> #3",
      "bot> You said: none",
      "",
    ]);
  });

  it("says in one line what a reply button that only a Telegram app can send would do", async () => {
    const bot = new Bot("x");
    bot.command("share", (ctx) =>
      ctx.reply("Share?", {
        reply_markup: new Keyboard().requestContact("Phone").requestLocation("Where"),
      }),
    );
    expect((await transcriptOf(bot, ["/share", "#1", "#2"])).split("\n")).toEqual([
      "you> /share",
      "bot> Share?",
      "  (reply keyboard) [1] Phone  [2] Where",
      "you> #1",
      "(button 1 shares your phone number, which works only in a Telegram app)",
      "you> #2",
      "(button 2 shares your location, which works only in a Telegram app)",
      "",
    ]);
  });

  it("says in one line when a press changes nothing, and whether the bot answered it", async () => {
    const bot = new Bot("x");
    bot.command("menu", (ctx) =>
      ctx.reply("Pick:", {
        reply_markup: new InlineKeyboard().text("Stale", "a").text("Mute", "b"),
      }),
    );
    bot.callbackQuery("a", (ctx) => ctx.answerCallbackQuery());
    bot.callbackQuery("b", () => {});
    expect((await transcriptOf(bot, ["/menu", "#1", "#2"])).split("\n")).toEqual([
      "you> /menu",
      "bot> Pick:",
      "  [1] Stale  [2] Mute",
      "you> #1",
      '(pressing "Stale" changed nothing: the button is no longer active)',
      "you> #2",
      '(pressing "Mute" changed nothing: the button is no longer active, and the bot did not answer the press)',
      "",
    ]);
  });

  it("sends an inline query for `@ query` or `@bot query`, and shows the results", async () => {
    const bot = new Bot("x");
    const seen: unknown[] = [];
    bot.on("inline_query", (ctx) => {
      seen.push([ctx.inlineQuery.query, ctx.inlineQuery.chat_type]);
      const found = ["Paris", "Parma"].filter((city) =>
        city.toLowerCase().includes(ctx.inlineQuery.query),
      );
      return ctx.answerInlineQuery(
        found.map((city) => ({
          type: "article",
          id: city,
          title: city,
          input_message_content: { message_text: `${city} is nice` },
        })),
      );
    });
    bot.on("message:text", (ctx) => ctx.reply(`text: ${ctx.message.text}`));
    const lines = ["@ par", "@colloquy_demo_bot parm", "@ zzz", "@someone hi", "\\@ not a query"];
    expect((await transcriptOf(bot, lines)).split("\n")).toEqual([
      "you> @ par",
      "bot (2 inline results)>",
      "  Paris: Paris is nice",
      "  Parma: Parma is nice",
      "you> @colloquy_demo_bot parm",
      "bot (1 inline result)>",
      "  Parma: Parma is nice",
      "you> @ zzz",
      "bot (0 inline results)>",
      "you> @someone hi",
      "bot> text: @someone hi",
      "you> \\@ not a query",
      "bot> text: @ not a query",
      "",
    ]);
    expect(seen).toEqual([
      ["par", "private"],
      ["parm", "private"],
      ["zzz", "private"],
    ]);
  });

  it("fails a call that Telegram would refuse with Telegram's error", async () => {
    const bot = new Bot("x");
    bot.on("message", (ctx) => ctx.reply("x".repeat(4097)));
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await transcriptOf(bot, ["hi"])).toBe(
        "you> hi\nerror> GrammyError: Call to 'sendMessage' failed! (400: Bad Request: message is too long)\n",
      );
    } finally {
      quiet.mockRestore();
    }
  });

  it("feeds realistic updates: command entities, the user, shared message ids, the pressed message", async () => {
    const bot = new Bot("x");
    const seen: unknown[] = [];
    bot.on("message", async (ctx) => {
      seen.push([
        ctx.message.message_id,
        ctx.from.id,
        ctx.from.first_name,
        ctx.chat.type,
        ctx.message.entities,
      ]);
      await ctx.reply("ok", { reply_markup: new InlineKeyboard().text("go", "go") });
    });
    bot.on("callback_query", (ctx) => {
      const message = ctx.callbackQuery.message;
      seen.push([
        ctx.callbackQuery.data,
        message?.message_id,
        message && "text" in message ? message.text : undefined,
      ]);
    });
    await transcriptOf(bot, ["/start@colloquy_demo_bot now", "/ not a command", "#1"], {
      userId: 42,
    });
    expect(seen).toEqual([
      [1, 42, "Ann", "private", [{ type: "bot_command", offset: 0, length: 24 }]],
      [3, 42, "Ann", "private", undefined],
      ["go", 4, "ok"],
    ]);
  });

  it("runs in a group chat when asked", async () => {
    const bot = new Bot("x");
    bot.on("message", (ctx) => ctx.reply(`${ctx.chat.type} ${ctx.chat.id < 0}`));
    expect(await transcriptOf(bot, ["hi"], { chatType: "supergroup" })).toBe(
      "you> hi\nbot> supergroup true\n",
    );
  });

  it("labels messages the bot sends to another chat", async () => {
    const bot = new Bot("x");
    bot.on("message", (ctx) => ctx.api.sendMessage(777, "psst"));
    expect(await transcriptOf(bot, ["hi"])).toBe("you> hi\nbot (to chat 777)> psst\n");
  });

  it("shows a deleted message", async () => {
    const bot = new Bot("x");
    bot.on("message", async (ctx) => {
      const sent = await ctx.reply("temporary");
      await ctx.api.deleteMessage(ctx.chat.id, sent.message_id);
    });
    expect(await transcriptOf(bot, ["hi"])).toBe(
      "you> hi\nbot> temporary\nbot (deleted)> temporary\n",
    );
  });

  it("waits for a slow handler before reading the next line", async () => {
    const bot = new Bot("x");
    bot.on("message:text", async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await ctx.reply(`done ${ctx.message.text}`);
    });
    expect(await transcriptOf(bot, ["a", "b"])).toBe("you> a\nbot> done a\nyou> b\nbot> done b\n");
  });

  it("waits for work a handler left running, paced by quietMs", async () => {
    const bot = new Bot("x");
    bot.on("message:text", (ctx) => {
      // Not awaited: a flow that goes on after its update was handled, like a runStates task.
      void (async () => {
        await ctx.reply("first");
        await new Promise((resolve) => setTimeout(resolve, 20));
        await ctx.reply("second");
      })();
    });
    expect(await transcriptOf(bot, ["a", "b"], { quietMs: 60 })).toBe(
      "you> a\nbot> first\nbot> second\nyou> b\nbot> first\nbot> second\n",
    );
  });

  it("prints a handler's error when the bot has no error handler, and goes on", async () => {
    const bot = new Bot("x");
    bot.command("boom", () => {
      throw new TypeError("kaboom");
    });
    bot.on("message", (ctx) => ctx.reply("still here"));
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await transcriptOf(bot, ["/boom", "hi"])).toBe(
        "you> /boom\nerror> TypeError: kaboom\nyou> hi\nbot> still here\n",
      );
    } finally {
      quiet.mockRestore();
    }
  });

  it("gives a handler's error to bot.catch when set", async () => {
    const bot = new Bot("x");
    bot.command("boom", () => {
      throw new Error("kaboom");
    });
    bot.catch((error) => error.ctx.reply(`Sorry: ${(error.error as Error).message}`));
    expect(await transcriptOf(bot, ["/boom"])).toBe("you> /boom\nbot> Sorry: kaboom\n");
  });

  it("end of input exits once the bot is idle", async () => {
    const bot = new Bot("x");
    let finished = false;
    bot.on("message", async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await ctx.reply("late but shown");
      finished = true;
    });
    expect(await transcriptOf(bot, ["hi"])).toBe("you> hi\nbot> late but shown\n");
    expect(finished).toBe(true);
  });

  it("runs onInputEnd once input ends and still shows what the bot sends then", async () => {
    const bot = new Bot("x");
    bot.on("message", (ctx) => ctx.reply("hi"));
    let ended = 0;
    const transcript = await transcriptOf(bot, ["one"], {
      onInputEnd: async () => {
        ended += 1;
        await bot.api.sendMessage(1, "bye");
      },
    });
    expect(transcript).toBe("you> one\nbot> hi\nbot> bye\n");
    expect(ended).toBe(1);
  });

  it("the signal option stops reading input; the run then ends", async () => {
    const bot = new Bot("x");
    bot.on("message", (ctx) => ctx.reply("hi"));
    const controller = new AbortController();
    const input = new PassThrough();
    const output = new PassThrough();
    let written = "";
    output.on("data", (chunk: Buffer) => {
      written += chunk.toString();
    });
    const run = runInTerminal(bot, { input, output, signal: controller.signal, quietMs: 5 });
    input.write("one\n");
    await vi.waitFor(() => expect(written).toContain("bot> hi"));
    controller.abort();
    input.write("two\n");
    await expect(run).resolves.toBeUndefined();
    expect(written).toBe("you> one\nbot> hi\n");
  });

  it("keeps transformers installed before it, around the local answers", async () => {
    const bot = new Bot("x");
    bot.api.config.use((prev, method, payload, signal) =>
      prev(method, method === "sendMessage" ? { ...payload, parse_mode: "HTML" } : payload, signal),
    );
    bot.on("message", (ctx) => ctx.reply("<b>bold</b> &amp; done"));
    const api = new LocalBotApi();
    expect(await transcriptOf(bot, ["hi"], { api })).toBe("you> hi\nbot> bold & done\n");
    expect(api.calls.map((c) => c.method)).toEqual(["sendMessage"]);
  });
});
