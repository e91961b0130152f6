import { describe, expect, it, vi } from "vitest";
import { ListenerCancelledError, ListenerExistsError, ListenerTimeoutError } from "../errors.js";
import { ManualClock } from "../testing/manual-clock.js";
import { UpdateFactory } from "../testing/updates.js";
import { inGroup, setup } from "./registry.fixtures.js";
import { ListenerRegistry } from "./registry.js";

describe("ListenerRegistry: endings", () => {
  it("fires a timeout at its deadline: onTimeout runs, the wait rejects, nothing is left", async () => {
    const { clock, registry } = setup();
    const onTimeout = vi.fn();
    const wait = registry.wait({ chatId: 1, userId: 1 }, { timeoutMs: 1000, onTimeout });
    clock.advance(999);
    expect(onTimeout).not.toHaveBeenCalled();
    clock.advance(1);
    expect(onTimeout).toHaveBeenCalledOnce();
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerTimeoutError);
    expect((error as ListenerTimeoutError).timeoutMs).toBe(1000);
    expect(registry.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(registry.stats()).toMatchObject({ pending: 0, timeouts: 1 });
  });

  it("uses the registry's default timeout, and none unless given", async () => {
    const { clock, registry } = setup({ defaultTimeoutMs: 50 });
    const wait = registry.wait({ chatId: 1 });
    clock.advance(50);
    await expect(wait).rejects.toBeInstanceOf(ListenerTimeoutError);
    const plain = setup();
    plain.registry.wait({ chatId: 1 });
    expect(plain.clock.pendingTimers).toBe(0);
  });

  it("reports an onTimeout that throws to onError and still rejects with the timeout", async () => {
    const clock = new ManualClock();
    const onError = vi.fn();
    const registry = new ListenerRegistry({ clock, onError });
    const boom = new Error("hook failed");
    const wait = registry.wait(
      { chatId: 1 },
      {
        timeoutMs: 10,
        onTimeout: () => {
          throw boom;
        },
      },
    );
    clock.advance(10);
    await expect(wait).rejects.toBeInstanceOf(ListenerTimeoutError);
    expect(onError).toHaveBeenCalledWith(boom);
  });

  it("a timeout of one wait does not tear down another wait of the same user", async () => {
    const { clock, registry } = setup();
    const short = registry.wait({ chatId: 1, userId: 1, kinds: ["message"] }, { timeoutMs: 10 });
    const long = registry.wait({ chatId: 1, userId: 1, kinds: ["callback_query"] });
    clock.advance(10);
    await expect(short).rejects.toBeInstanceOf(ListenerTimeoutError);
    const press = new UpdateFactory({ chat: { id: 1, type: "private", first_name: "A" } }).press(
      "x",
      3,
    );
    registry.offer(press);
    await expect(long).resolves.toBe(press);
  });

  it("replaces a duplicate wait by default and rejects it when asked", async () => {
    const { registry } = setup();
    const first = registry.wait({ chatId: 1, userId: 1 });
    const second = registry.wait({ chatId: 1, userId: 1 });
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerCancelledError);
    expect((error as ListenerCancelledError).reason).toBe("duplicate");
    await expect(
      registry.wait({ chatId: 1, userId: 1 }, { duplicate: "reject" }),
    ).rejects.toBeInstanceOf(ListenerExistsError);
    expect(registry.size).toBe(1);
    registry.shutdown();
    await expect(second).rejects.toMatchObject({ reason: "shutdown" });
  });

  it("does not let waits in different chats or on different kinds replace each other", () => {
    const { registry } = setup();
    registry.wait({ chatId: 1, userId: 1 }).catch(() => {});
    registry.wait({ chatId: 2, userId: 1 }).catch(() => {});
    registry.wait({ chatId: 1, userId: 1, kinds: ["callback_query"] }).catch(() => {});
    expect(registry.size).toBe(3);
  });

  it("cancels through an AbortSignal, also one aborted before the wait", async () => {
    const { registry } = setup();
    const controller = new AbortController();
    const wait = registry.wait({ chatId: 1 }, { signal: controller.signal });
    controller.abort(new Error("user left"));
    const error = await wait.catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "cancelled" });
    expect((error as Error).cause).toEqual(new Error("user left"));
    await expect(registry.wait({ chatId: 1 }, { signal: controller.signal })).rejects.toMatchObject(
      {
        reason: "cancelled",
      },
    );
    expect(registry.size).toBe(0);
  });

  it("ends a bypassed wait, leaves the update unclaimed for the normal handlers", async () => {
    const { registry } = setup();
    const wait = registry.wait({
      chatId: -100,
      userId: 7,
      bypass: (u) => u.message?.text?.startsWith("/") ?? false,
    });
    expect(registry.offer(inGroup().command("/help")).claimed).toBe(false);
    await expect(wait).rejects.toMatchObject({ reason: "bypass" });
  });

  it("cancels by user in chat, by topic and by chat", async () => {
    const { registry } = setup();
    const ann1 = registry.wait({ chatId: -100, userId: 7 });
    const ann2 = registry.wait({ chatId: -100, userId: 7, messageId: 3 });
    const bobs = registry.wait({ chatId: -100, userId: 8, threadId: 2 });
    const chat = registry.wait({ chatId: -100 });
    expect(registry.cancel({ chatId: -100, userId: 7 })).toBe(2);
    await expect(ann1).rejects.toBeInstanceOf(ListenerCancelledError);
    await expect(ann2).rejects.toBeInstanceOf(ListenerCancelledError);
    expect(registry.cancel({ chatId: -100, threadId: 2 })).toBe(1);
    await expect(bobs).rejects.toBeInstanceOf(ListenerCancelledError);
    expect(registry.cancel({ chatId: -100 })).toBe(1);
    await expect(chat).rejects.toBeInstanceOf(ListenerCancelledError);
    expect(registry.cancel({ chatId: -100 })).toBe(0);
  });

  it("rejects waits after shutdown", async () => {
    const { registry } = setup();
    registry.shutdown();
    await expect(registry.wait({ chatId: 1 })).rejects.toMatchObject({ reason: "shutdown" });
  });
});
