import type { Update } from "@grammyjs/types";
import { describe, expect, it, vi } from "vitest";
import { ListenerCancelledError, ListenerTimeoutError, TooManyListenersError } from "../errors.js";
import { ManualClock } from "../testing/manual-clock.js";
import { UpdateFactory } from "../testing/updates.js";
import { ann, bob, group, inGroup, setup } from "./registry.fixtures.js";
import { ListenerRegistry } from "./registry.js";

describe("ListenerRegistry: answers", () => {
  it("delivers the next update of the waited user in the chat", async () => {
    const { registry } = setup();
    const reply = registry.wait({ chatId: -100, userId: 7 });
    expect(registry.offer(inGroup(bob).text("not me")).claimed).toBe(false);
    const update = inGroup().text("me");
    expect(registry.offer(update)).toMatchObject({
      claimed: true,
      by: "wait",
      match: { userId: 7 },
    });
    await expect(reply).resolves.toBe(update);
    expect(registry.size).toBe(0);
  });

  it("gives the most specific wait the update: chat+user+message, chat+user, chat+message, chat", async () => {
    const { registry } = setup();
    const chat = registry.wait({ chatId: -100 });
    const chatMessage = registry.wait({ chatId: -100, messageId: 50 });
    const chatUser = registry.wait({ chatId: -100, userId: 7 });
    const exact = registry.wait({ chatId: -100, userId: 7, messageId: 50 });
    const first = inGroup().text("a", { replyTo: 50 });
    const second = inGroup().text("b", { replyTo: 50 });
    const third = inGroup(bob).text("c", { replyTo: 50 });
    const fourth = inGroup(bob).text("d");
    for (const update of [first, second, third, fourth]) registry.offer(update);
    await expect(exact).resolves.toBe(first);
    await expect(chatUser).resolves.toBe(second);
    await expect(chatMessage).resolves.toBe(third);
    await expect(chat).resolves.toBe(fourth);
  });

  it("passes over a wait not eligible for an update: no answer, no bypass, no otherwise", async () => {
    const { registry } = setup();
    let eligible = false;
    const otherwise = vi.fn();
    const reply = registry.wait({
      chatId: -100,
      userId: 7,
      eligible: () => eligible,
      bypass: (update) => update.message?.text === "/stop",
      kinds: ["message"],
      otherwise,
    });
    expect(registry.offer(inGroup().text("early")).claimed).toBe(false);
    expect(registry.offer(inGroup().text("/stop")).claimed).toBe(false);
    expect(registry.offer(inGroup().press("x", 1)).claimed).toBe(false);
    expect(otherwise).not.toHaveBeenCalled();
    eligible = true;
    const update = inGroup().text("in turn");
    expect(registry.offer(update).claimed).toBe(true);
    await expect(reply).resolves.toBe(update);
  });

  it("takes a button press on the prompt as an answer to that message", async () => {
    const { registry } = setup();
    const press = registry.wait({
      chatId: -100,
      userId: 7,
      messageId: 9,
      kinds: ["callback_query"],
    });
    registry.offer(inGroup().text("typed instead"));
    const update = inGroup().press("yes", 9);
    expect(registry.offer(update).claimed).toBe(true);
    await expect(press).resolves.toBe(update);
  });

  it("keeps topics apart; a wait without a topic hears the whole chat", async () => {
    const { registry } = setup();
    const topic3 = registry.wait({ chatId: -100, threadId: 3, userId: 7 });
    const anyTopic = registry.wait({ chatId: -100, userId: 8 });
    const inTopic4 = new UpdateFactory({ chat: group, from: ann, threadId: 4 }).text("x");
    expect(registry.offer(inTopic4).claimed).toBe(false);
    const inTopic3 = new UpdateFactory({ chat: group, from: ann, threadId: 3 }).text("y");
    registry.offer(inTopic3);
    await expect(topic3).resolves.toBe(inTopic3);
    const bobInTopic5 = new UpdateFactory({ chat: group, from: bob, threadId: 5 }).text("z");
    registry.offer(bobInTopic5);
    await expect(anyTopic).resolves.toBe(bobInTopic5);
  });

  it("keeps a business connection's chat apart from the bot's own chat with the same id", async () => {
    const { registry } = setup();
    const business = registry.wait({ chatId: 7, userId: 7, businessConnectionId: "bc" });
    expect(registry.offer(new UpdateFactory({ from: ann }).text("plain")).claimed).toBe(false);
    const update = new UpdateFactory({ from: ann, businessConnectionId: "bc" }).text("biz");
    registry.offer(update);
    await expect(business).resolves.toBe(update);
  });

  it("counts a chat's and a user's waits as they come and go", async () => {
    const { registry } = setup();
    const annWait = registry.wait({ chatId: group.id, userId: ann.id });
    const bobWait = registry.wait({ chatId: group.id, userId: bob.id });
    const inline = registry.wait({ userId: 7, kinds: ["inline_query"] });
    registry.cancel({ chatId: group.id, userId: ann.id });
    await expect(annWait).rejects.toThrow();
    // Bob's wait still holds the chat open; Ann's text now reaches no one.
    expect(registry.offer(inGroup(ann).text("late")).claimed).toBe(false);
    const bobs = inGroup(bob).text("mine");
    expect(registry.offer(bobs).claimed).toBe(true);
    await expect(bobWait).resolves.toBe(bobs);
    registry.cancel({ userId: ann.id });
    await expect(inline).rejects.toThrow();
    expect(registry.size).toBe(0);
    // Gone and back: a new wait in the same chat is found again.
    const again = registry.wait({ chatId: group.id, userId: bob.id });
    const next = inGroup(bob).text("again");
    registry.offer(next);
    await expect(again).resolves.toBe(next);
  });

  it("waits for a user without a chat (inline queries)", async () => {
    const { registry } = setup();
    const wait = registry.wait({ userId: 7, kinds: ["inline_query"] });
    const update: Update = {
      update_id: 1,
      inline_query: { id: "q", from: ann, query: "x", offset: "" },
    };
    registry.offer(update);
    await expect(wait).resolves.toBe(update);
  });

  it("passes updates a filter rejects on to less specific waits, then to nobody", async () => {
    const { registry } = setup();
    const digits = registry.wait({
      chatId: -100,
      userId: 7,
      filter: (u) => /^\d+$/.test(u.message?.text ?? ""),
    });
    const anyone = registry.wait({ chatId: -100 });
    const word = inGroup().text("word");
    registry.offer(word);
    await expect(anyone).resolves.toBe(word);
    expect(registry.offer(inGroup().text("again")).claimed).toBe(false);
    const number = inGroup().text("42");
    registry.offer(number);
    await expect(digits).resolves.toBe(number);
  });

  it("hands updates in scope that match nothing to `otherwise`, and claims them", async () => {
    const { registry } = setup();
    const seen: Update[] = [];
    const photo = registry.wait({
      chatId: -100,
      userId: 7,
      filter: (u) => u.message?.photo !== undefined,
      otherwise: (u) => seen.push(u),
    });
    const text = inGroup().text("not a photo");
    const offer = registry.offer(text);
    expect(offer.claimed && offer.by).toBe("otherwise");
    if (offer.claimed && offer.by === "otherwise") offer.handle(text);
    expect(seen).toEqual([text]);
    expect(registry.offer(inGroup(bob).text("other user")).claimed).toBe(false);
    const picture = inGroup().message({ photo: [] });
    registry.offer(picture);
    await expect(photo).resolves.toBe(picture);
  });

  it("claims each update for one waiter only", async () => {
    const { registry } = setup();
    const a = registry.wait({ chatId: -100 });
    const b = registry.wait({ chatId: -100, kinds: ["message"] });
    const update = inGroup().text("x");
    registry.offer(update);
    await expect(a).resolves.toBe(update);
    expect(registry.size).toBe(1);
    registry.cancel({ chatId: -100 });
    await expect(b).rejects.toBeInstanceOf(ListenerCancelledError);
  });
});

describe("ListenerRegistry: limits and bad input", () => {
  it("caps waits per user in a chat and per chat", async () => {
    const clock = new ManualClock();
    const registry = new ListenerRegistry({ clock, maxPerUser: 2, maxPerChat: 3 });
    registry.wait({ chatId: 1, userId: 1, messageId: 1 }).catch(() => {});
    registry.wait({ chatId: 1, userId: 1, messageId: 2 }).catch(() => {});
    await expect(registry.wait({ chatId: 1, userId: 1, messageId: 3 })).rejects.toBeInstanceOf(
      TooManyListenersError,
    );
    registry.wait({ chatId: 1, userId: 2 }).catch(() => {});
    const full = await registry.wait({ chatId: 1, userId: 3 }).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(TooManyListenersError);
    expect((full as TooManyListenersError).limit).toBe(3);
    expect(registry.size).toBe(3);
  });

  it("replacing a duplicate at the cap succeeds: the old slot is reused", async () => {
    const registry = new ListenerRegistry({ maxPerUser: 1 });
    registry.wait({ chatId: 1, userId: 1 }).catch(() => {});
    const second = registry.wait({ chatId: 1, userId: 1 });
    expect(registry.size).toBe(1);
    registry.cancel({ chatId: 1 });
    await expect(second).rejects.toBeInstanceOf(ListenerCancelledError);
  });

  it("refuses a match with neither chat nor user, and a zero timeout", async () => {
    const { registry } = setup();
    await expect(registry.wait({})).rejects.toThrow(/chatId or userId/);
    await expect(registry.wait({ chatId: 1 }, { timeoutMs: 0 })).rejects.toThrow(
      /timeoutMs must be a positive finite number/,
    );
    expect(() => registry.cancel({})).toThrow(/chatId or userId/);
    expect(registry.size).toBe(0);
  });
});

describe("ListenerRegistry.listen", () => {
  it("keeps delivering until cancelled, and reports a throwing callback to onError", async () => {
    const onError = vi.fn();
    const registry = new ListenerRegistry({ onError });
    const seen: string[] = [];
    const controller = new AbortController();
    const listening = registry.listen(
      { chatId: -100, userId: 7 },
      (u) => {
        seen.push(u.message?.text ?? "");
        if (u.message?.text === "boom") throw new Error("callback failed");
      },
      { signal: controller.signal },
    );
    for (const text of ["a", "boom", "b"])
      expect(registry.offer(inGroup().text(text)).claimed).toBe(true);
    expect(seen).toEqual(["a", "boom", "b"]);
    expect(onError).toHaveBeenCalledWith(new Error("callback failed"));
    expect(registry.size).toBe(1);
    controller.abort();
    await expect(listening).rejects.toBeInstanceOf(ListenerCancelledError);
    expect(registry.size).toBe(0);
  });

  it("yields to a more specific one-shot wait", async () => {
    const registry = new ListenerRegistry();
    const seen: string[] = [];
    registry.listen({ chatId: -100 }, (u) => seen.push(u.message?.text ?? "")).catch(() => {});
    const wait = registry.wait({ chatId: -100, userId: 7 });
    registry.offer(inGroup().text("to the wait"));
    registry.offer(inGroup().text("to the listener"));
    await expect(wait).resolves.toMatchObject({ message: { text: "to the wait" } });
    expect(seen).toEqual(["to the listener"]);
    registry.shutdown();
  });
});

describe("ListenerRegistry: onEnd", () => {
  it("tells onEnd why a wait ended, before it rejects, also for a refused wait", async () => {
    const clock = new ManualClock();
    const registry = new ListenerRegistry({ clock, maxPerChat: 1 });
    const ended: string[] = [];
    const onEnd = (error: Error) => ended.push(error.name);
    const timed = registry.wait({ chatId: 1, onEnd }, { timeoutMs: 5 });
    const refused = registry.wait({ chatId: 1, userId: 2, onEnd });
    clock.advance(5);
    await expect(timed).rejects.toBeInstanceOf(ListenerTimeoutError);
    await expect(refused).rejects.toBeInstanceOf(TooManyListenersError);
    const cancelled = registry.wait({ chatId: 1, onEnd });
    registry.cancel({ chatId: 1 });
    await expect(cancelled).rejects.toBeInstanceOf(ListenerCancelledError);
    expect(ended).toEqual([
      "TooManyListenersError",
      "ListenerTimeoutError",
      "ListenerCancelledError",
    ]);
  });
});
