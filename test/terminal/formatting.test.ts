import { Bot } from "grammy";
import { describe, expect, it } from "vitest";
import { formatText } from "../../src/adapters/formatting/format.js";
import { styledLines } from "../../src/adapters/terminal/ansi.js";
import { transcriptOf } from "./transcript.js";

const html = (text: string) => formatText(text, "HTML", undefined);
const v2 = (text: string) => formatText(text, "MarkdownV2", undefined);

describe("HTML parse mode", () => {
  it("turns tags into entities and decodes character references", () => {
    expect(
      html('<b>bold</b> <i>it</i> &lt;x&gt; &amp; &#65;&#x42; <a href="https://x.y">link</a>'),
    ).toEqual({
      text: "bold it <x> & AB link",
      entities: [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 5, length: 2 },
        { type: "text_link", offset: 17, length: 4, url: "https://x.y" },
      ],
    });
  });

  it("nests, knows every Telegram tag, and keeps a pre block's language", () => {
    const { text, entities } = html(
      '<b>a<u>b</u></b><s>c</s><tg-spoiler>d</tg-spoiler><span class="tg-spoiler">e</span>' +
        '<code>f</code><pre><code class="language-ts">g</code></pre><blockquote expandable>h</blockquote>',
    );
    expect(text).toBe("abcdefgh");
    expect(
      entities.map((e) => [e.type, e.offset, e.length, "language" in e ? e.language : ""]),
    ).toEqual([
      ["bold", 0, 2, ""],
      ["underline", 1, 1, ""],
      ["strikethrough", 2, 1, ""],
      ["spoiler", 3, 1, ""],
      ["spoiler", 4, 1, ""],
      ["code", 5, 1, ""],
      ["pre", 6, 1, "ts"],
      ["expandable_blockquote", 7, 1, ""],
    ]);
  });

  it("drops unknown tags and unclosed ones instead of failing", () => {
    expect(html("<blink>a</blink> <b>b")).toEqual({ text: "a b", entities: [] });
  });
});

describe("MarkdownV2 parse mode", () => {
  it("turns markers into entities and honours escapes", () => {
    expect(v2("*bold* _it_ __under__ ~gone~ ||secret|| 1\\.5\\!")).toEqual({
      text: "bold it under gone secret 1.5!",
      entities: [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 5, length: 2 },
        { type: "underline", offset: 8, length: 5 },
        { type: "strikethrough", offset: 14, length: 4 },
        { type: "spoiler", offset: 19, length: 6 },
      ],
    });
  });

  it("reads code, pre with a language, links with formatting inside, and quotes", () => {
    const { text, entities } = v2(
      "`a*b` ```py\nx = 1``` [*go* here](https://x.y/\\(1\\)) \n>quoted\n>more\nafter",
    );
    expect(text).toBe("a*b x = 1 go here \nquoted\nmore\nafter");
    expect(entities).toEqual([
      { type: "code", offset: 0, length: 3 },
      { type: "pre", offset: 4, length: 5, language: "py" },
      { type: "text_link", offset: 10, length: 7, url: "https://x.y/(1)" },
      { type: "bold", offset: 10, length: 2 },
      { type: "blockquote", offset: 19, length: 11 },
    ]);
  });

  it("legacy Markdown knows only bold, italic, code, pre and links", () => {
    expect(formatText("*b* _i_ ~s~ `c`", "Markdown", undefined)).toEqual({
      text: "b i ~s~ c",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "italic", offset: 2, length: 1 },
        { type: "code", offset: 8, length: 1 },
      ],
    });
  });
});

describe("styled lines", () => {
  it("are plain without color, whatever the entities", () => {
    expect(styledLines(html("<b>a</b>\nb"), false)).toEqual(["a", "b"]);
  });

  it("use ANSI styles with color, closed at each line end, with link URLs shown", () => {
    expect(
      styledLines(html('<b>a\nb</b> <i>c</i> <code>d</code> <a href="u">e</a>'), true),
    ).toEqual([
      "\x1b[1ma\x1b[0m",
      "\x1b[1mb\x1b[0m \x1b[3mc\x1b[0m \x1b[36md\x1b[0m \x1b[4;34me\x1b[0m\x1b[2m <u>\x1b[0m",
    ]);
  });

  it("combine overlapping styles", () => {
    expect(styledLines(v2("*a _b_*"), true)).toEqual(["\x1b[1ma \x1b[0m\x1b[1;3mb\x1b[0m"]);
  });
});

describe("the runner's formatting", () => {
  function formattingBot(): Bot {
    const bot = new Bot("x");
    bot.command("html", (ctx) =>
      ctx.reply("<b>Bold</b> and <i>italic</i>", { parse_mode: "HTML" }),
    );
    bot.command("md", (ctx) => ctx.reply("*Bold* and `code`", { parse_mode: "MarkdownV2" }));
    bot.command("entities", (ctx) =>
      ctx.reply("Bold text", { entities: [{ type: "bold", offset: 0, length: 4 }] }),
    );
    return bot;
  }

  it("is plain text when color is off (not a terminal)", async () => {
    expect(await transcriptOf(formattingBot(), ["/html", "/md", "/entities"])).toBe(
      [
        "you> /html",
        "bot> Bold and italic",
        "you> /md",
        "bot> Bold and code",
        "you> /entities",
        "bot> Bold text",
        "",
      ].join("\n"),
    );
  });

  it("is ANSI-styled when color is on", async () => {
    const b = (text: string) => `\x1b[1m${text}\x1b[0m`;
    expect(
      await transcriptOf(formattingBot(), ["/html", "/md", "/entities"], { color: true }),
    ).toBe(
      [
        `${b("you")}> /html`,
        `${b("bot")}> ${b("Bold")} and \x1b[3mitalic\x1b[0m`,
        `${b("you")}> /md`,
        `${b("bot")}> ${b("Bold")} and \x1b[36mcode\x1b[0m`,
        `${b("you")}> /entities`,
        `${b("bot")}> ${b("Bold")} text`,
        "",
      ].join("\n"),
    );
  });
});
