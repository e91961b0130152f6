import type { Update } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import { kindOf, scopes, updateKeys } from "./keys.js";
import { UpdateFactory } from "./testing/updates.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const group = { id: -100, type: "supergroup" as const, title: "g", is_forum: true as const };

describe("updateKeys", () => {
  it("reads a private message", () => {
    const update = new UpdateFactory({ from: ann }).text("hi", { messageId: 5 });
    expect(updateKeys(update)).toEqual({ kind: "message", chatId: 7, userId: 7, messageId: 5 });
  });

  it("reads a topic message, its reply target, and a business message", () => {
    const topic = new UpdateFactory({ from: ann, chat: group, threadId: 3 });
    expect(updateKeys(topic.text("x", { replyTo: 9, messageId: 10 }))).toEqual({
      kind: "message",
      chatId: -100,
      userId: 7,
      threadId: 3,
      messageId: 10,
      replyToMessageId: 9,
    });
    const business = new UpdateFactory({ from: ann, businessConnectionId: "bc1" });
    expect(updateKeys(business.text("x"))).toMatchObject({
      kind: "business_message",
      businessConnectionId: "bc1",
    });
  });

  it("reads a button press: the presser, the chat and the pressed message", () => {
    const press = new UpdateFactory({ from: ann, chat: group, threadId: 3 }).press("ok", 44);
    expect(updateKeys(press)).toEqual({
      kind: "callback_query",
      chatId: -100,
      userId: 7,
      threadId: 3,
      messageId: 44,
      replyToMessageId: 44,
    });
  });

  it("reads chat-less kinds without inventing a chat", () => {
    const inline: Update = {
      update_id: 1,
      inline_query: { id: "q", from: ann, query: "par", offset: "" },
    };
    expect(updateKeys(inline)).toEqual({ kind: "inline_query", userId: 7 });
    expect(scopes.chat(updateKeys(inline))).toBeUndefined();
    expect(scopes.userInChat(updateKeys(inline))).toBeUndefined();
    expect(scopes.user(updateKeys(inline))).toBe("user:7");
    const poll = { update_id: 2, poll: { id: "p" } } as unknown as Update;
    expect(updateKeys(poll)).toEqual({ kind: "poll" });
  });

  it("reads member, reaction, join-request and boost updates", () => {
    const member = {
      update_id: 3,
      chat_member: { chat: group, from: ann, date: 0 },
    } as unknown as Update;
    expect(updateKeys(member)).toEqual({ kind: "chat_member", chatId: -100, userId: 7 });
    const reaction = {
      update_id: 4,
      message_reaction: { chat: group, message_id: 8, user: ann, date: 0 },
    } as unknown as Update;
    expect(updateKeys(reaction)).toEqual({
      kind: "message_reaction",
      chatId: -100,
      userId: 7,
      messageId: 8,
    });
    const boost = { update_id: 5, chat_boost: { chat: group } } as unknown as Update;
    expect(updateKeys(boost)).toEqual({ kind: "chat_boost", chatId: -100 });
  });

  it("passes an update kind newer than this library through by name", () => {
    const future = { update_id: 6, hologram: { id: 1 } } as unknown as Update;
    expect(kindOf(future)).toBe("hologram");
    expect(updateKeys(future)).toEqual({ kind: "hologram" });
  });
});

describe("scopes", () => {
  it("builds chat, topic, user and user-in-chat keys", () => {
    const keys = updateKeys(new UpdateFactory({ from: ann, chat: group, threadId: 3 }).text("x"));
    expect(scopes.chat(keys)).toBe("chat:-100");
    expect(scopes.topic(keys)).toBe("chat:-100/topic:3");
    expect(scopes.user(keys)).toBe("user:7");
    expect(scopes.userInChat(keys)).toBe("chat:-100/topic:3/user:7");
  });

  it("separates business connections from the bot's own chats", () => {
    const keys = updateKeys(new UpdateFactory({ from: ann, businessConnectionId: "bc" }).text("x"));
    expect(scopes.userInChat(keys)).toBe("biz:bc/chat:7/user:7");
  });
});
