import type { Message } from "@grammyjs/types";
import { Bot, InlineKeyboard, InputFile } from "grammy";
import { describe, expect, it } from "vitest";
import { LocalBotApi } from "../../src/adapters/terminal/index.js";
import { UpdateFactory } from "../../src/testing/updates.js";

function localBot(api = new LocalBotApi({ nowSeconds: () => 1_700_000_000 })) {
  const bot = new Bot("no-token", { botInfo: api.botInfo });
  api.install(bot.api);
  return { bot, api };
}

describe("LocalBotApi", () => {
  it("applies parse_mode the way Telegram does: text plus entities", async () => {
    const { bot } = localBot();
    const sent = await bot.api.sendMessage(1, "<b>Hi</b> there", { parse_mode: "HTML" });
    expect(sent).toMatchObject({
      message_id: 1,
      text: "Hi there",
      entities: [{ type: "bold", offset: 0, length: 2 }],
    });
  });

  it("keeps only inline keyboards on messages, and an edit without one removes it", async () => {
    const { bot, api } = localBot();
    const keyboard = new InlineKeyboard().text("a", "a");
    const sent = await bot.api.sendMessage(1, "pick", { reply_markup: keyboard });
    expect(api.message(1, sent.message_id)?.reply_markup).toEqual(keyboard);
    await bot.api.sendMessage(1, "reply kb", { reply_markup: { keyboard: [["x"]] } });
    expect(api.message(1, 2)?.reply_markup).toBeUndefined();
    const edited = (await bot.api.editMessageText(1, sent.message_id, "done")) as Message;
    expect(edited).toMatchObject({ text: "done", edit_date: 1_700_000_000 });
    expect(edited.reply_markup).toBeUndefined();
  });

  it("drops old entities when the text is edited", async () => {
    const { bot } = localBot();
    const sent = await bot.api.sendMessage(1, "*old*", { parse_mode: "MarkdownV2" });
    const edited = (await bot.api.editMessageText(1, sent.message_id, "new")) as Message;
    expect(edited.entities).toBeUndefined();
  });

  it("records the message an edit or a deletion replaced", async () => {
    const { bot, api } = localBot();
    const sent = await bot.api.sendMessage(1, "first");
    await bot.api.editMessageText(1, sent.message_id, "second");
    await bot.api.deleteMessage(1, sent.message_id);
    expect(api.calls.map((c) => c.previous?.text)).toEqual([undefined, "first", "second"]);
    expect(api.message(1, sent.message_id)).toBeUndefined();
  });

  it("returns files the way Telegram does, with their names", async () => {
    const { bot } = localBot();
    const photo = await bot.api.sendPhoto(1, new InputFile(new Uint8Array([1]), "cat.jpg"));
    expect(photo.photo?.[0]).toMatchObject({ file_id: "local-file-1", width: 1280, height: 960 });
    const document = await bot.api.sendDocument(1, new InputFile(new Uint8Array([1]), "a.pdf"));
    expect(document.document).toMatchObject({ file_id: "local-file-2", file_name: "a.pdf" });
  });

  it("shares one message id sequence per chat with the user's messages", async () => {
    const { bot, api } = localBot();
    expect(api.nextMessageId(5)).toBe(1);
    expect((await bot.api.sendMessage(5, "x")).message_id).toBe(2);
    expect((await bot.api.sendMessage(6, "y")).message_id).toBe(1);
  });

  it("puts remembered chats on messages sent there", async () => {
    const { bot, api } = localBot();
    api.rememberChat({ id: -5, type: "group", title: "Friends" });
    expect((await bot.api.sendMessage(-5, "hi")).chat).toEqual({
      id: -5,
      type: "group",
      title: "Friends",
    });
    expect((await bot.api.sendMessage(-6, "hi")).chat.type).toBe("supergroup");
  });

  it("install() runs earlier transformers once, in order, and later ones around it", async () => {
    const api = new LocalBotApi();
    const bot = new Bot("no-token", { botInfo: api.botInfo });
    const order: string[] = [];
    const tag =
      (name: string) =>
      (
        prev: (m: string, p: unknown, s?: AbortSignal) => Promise<unknown>,
        method: string,
        payload: unknown,
        signal?: AbortSignal,
      ) => {
        order.push(name);
        return prev(method, payload, signal);
      };
    bot.api.config.use(tag("first") as never, tag("second") as never);
    api.install(bot.api);
    bot.api.config.use(tag("after") as never);
    await bot.api.sendMessage(1, "x");
    expect(order).toEqual(["after", "second", "first"]);
    expect(api.calls).toHaveLength(1);
  });

  it("refuses what Telegram refuses, with Telegram's 400 errors, and records none of it", async () => {
    const { bot, api } = localBot();
    const refused = (description: string) => ({ error_code: 400, description });
    const long = "x".repeat(4097);
    await expect(bot.api.sendMessage(1, long)).rejects.toMatchObject(
      refused("Bad Request: message is too long"),
    );
    await expect(bot.api.sendMessage(1, " \n")).rejects.toMatchObject(
      refused("Bad Request: message text is empty"),
    );
    const photo = new InputFile(new Uint8Array([1]), "cat.jpg");
    await expect(bot.api.sendPhoto(1, photo, { caption: "y".repeat(1025) })).rejects.toMatchObject(
      refused("Bad Request: message caption is too long"),
    );
    // 33 characters, but 66 bytes: the limit is on bytes.
    const wide = new InlineKeyboard().text("wide", "é".repeat(33));
    await expect(bot.api.sendMessage(1, "pick", { reply_markup: wide })).rejects.toMatchObject(
      refused("Bad Request: BUTTON_DATA_INVALID"),
    );
    const sent = await bot.api.sendMessage(1, "short");
    await expect(bot.api.editMessageText(1, sent.message_id, long)).rejects.toMatchObject(
      refused("Bad Request: MESSAGE_TOO_LONG"),
    );
    await expect(bot.api.answerCallbackQuery("q", { text: "z".repeat(201) })).rejects.toMatchObject(
      refused("Bad Request: MESSAGE_TOO_LONG"),
    );
    expect(api.calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(api.message(1, sent.message_id)?.text).toBe("short");
  });

  it("counts a text's length as Telegram does: after its markup is parsed", async () => {
    const { bot } = localBot();
    const sent = await bot.api.sendMessage(1, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect(sent.text).toHaveLength(4096);
    const keyboard = new InlineKeyboard().text("ok", "é".repeat(32));
    await expect(bot.api.sendMessage(1, "pick", { reply_markup: keyboard })).resolves.toBeDefined();
  });

  it("handleUpdate's per-update api answers locally too", async () => {
    const { bot, api } = localBot();
    bot.on("message", (ctx) => ctx.reply("pong"));
    await bot.handleUpdate(new UpdateFactory().text("ping"));
    expect(api.calls.map((c) => [c.method, c.payload.text])).toEqual([["sendMessage", "pong"]]);
  });
});
