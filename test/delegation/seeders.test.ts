import { describe, expect, it } from "vitest";
import { seeders } from "../../src/delegation/seeders.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { inlineQuery } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const group = { id: -100, type: "supergroup" as const, title: "g" };
const inGroup = new UpdateFactory({ from: ann, chat: group });
const privately = new UpdateFactory({ from: ann });

describe("seeders", () => {
  it("seed per chat, per user, and per user in chat", () => {
    const message = inGroup.text("hi");
    expect(seeders.perChat()(message)).toBe("chat:-100");
    expect(seeders.perUser()(message)).toBe("user:7");
    expect(seeders.perUserInChat()(message)).toBe("chat:-100/user:7");
  });

  it("give no seed to updates that lack what they need", () => {
    const poll = { update_id: 1, poll: {} } as never;
    expect(seeders.perChat()(poll)).toBeUndefined();
    expect(seeders.perUser()(poll)).toBeUndefined();
    expect(seeders.perUserInChat()(inlineQuery(7, "x"))).toBeUndefined();
  });

  it("seed inline users from inline queries only", () => {
    expect(seeders.perInlineUser()(inlineQuery(7, "x"))).toBe("user:7");
    expect(seeders.perInlineUser()(privately.text("x"))).toBeUndefined();
  });

  it("seed callback origins by the pressed message, in a chat or inline", () => {
    expect(seeders.perCallbackOrigin()(inGroup.press("a", 55))).toBe("chat:-100/message:55");
    const inline = {
      update_id: 3,
      callback_query: { id: "c", from: ann, chat_instance: "i", inline_message_id: "IM" },
    };
    expect(seeders.perCallbackOrigin()(inline)).toBe("inline-message:IM");
    expect(seeders.perCallbackOrigin()(inGroup.text("x"))).toBeUndefined();
  });

  it("give one-off seeds per update, and one seed for the application", () => {
    const first = privately.text("a");
    expect(seeders.perMessage()(first)).toEqual({ oneOff: `update:${first.update_id}` });
    expect(seeders.perApplication()(inlineQuery(1, "x"))).toBe("application");
  });

  it("narrow by subject ids and by update kinds", () => {
    const message = inGroup.text("hi");
    expect(seeders.perChat().in([-100])(message)).toBe("chat:-100");
    expect(seeders.perChat().in([5])(message)).toBeUndefined();
    expect(seeders.perChat().except([-100])(message)).toBeUndefined();
    expect(seeders.perUser().except([8])(message)).toBe("user:7");
    expect(seeders.perChat().on("callback_query")(message)).toBeUndefined();
    expect(seeders.perChat().on("message").in([-100]).except([5])(message)).toBe("chat:-100");
    // `except` lets through updates without a subject; `in` does not.
    expect(seeders.perApplication().except([1])(inlineQuery(1, "x"))).toBe("application");
    expect(seeders.perApplication().in([1])(inlineQuery(1, "x"))).toBeUndefined();
  });

  it("chain: the first seeder with a seed wins", () => {
    const seed = seeders.chain(seeders.perInlineUser(), seeders.perChat().in([-100]), () => "rest");
    expect(seed(inlineQuery(7, "x"))).toBe("user:7");
    expect(seed(inGroup.text("x"))).toBe("chat:-100");
    expect(seed(privately.text("x"))).toBe("rest");
    expect(seeders.chain()(privately.text("x"))).toBeUndefined();
  });
});
