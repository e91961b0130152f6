import { describe, expect, it, vi } from "vitest";
import { ListenerCancelledError } from "../errors.js";
import { inGroup, setup } from "./registry.fixtures.js";
import type { WaitHandle } from "./types.js";

describe("ListenerRegistry: ending a wait through its handle", () => {
  it("end() cancels the wait the handle holds, once, with its timer and hooks", async () => {
    const { clock, registry } = setup();
    const handle: WaitHandle = {};
    const onEnd = vi.fn();
    const wait = registry.wait({ chatId: -100, userId: 7, onEnd }, { handle, timeoutMs: 1000 });
    expect(registry.end(handle)).toBe(true);
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenerCancelledError);
    expect((error as ListenerCancelledError).reason).toBe("cancelled");
    expect(onEnd).toHaveBeenCalledOnce();
    expect(registry.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(registry.end(handle)).toBe(false);
  });

  it("end() leaves alone a wait that was answered since, and the handle's next wait", async () => {
    const { registry } = setup();
    const handle: WaitHandle = {};
    const first = registry.wait({ chatId: -100, userId: 7 }, { handle });
    registry.offer(inGroup().text("hi"));
    await first;
    expect(registry.end(handle)).toBe(false);
    const second = registry.wait({ chatId: -100, userId: 7 }, { handle });
    expect(registry.end(handle, "bypass")).toBe(true);
    await expect(second).rejects.toMatchObject({ reason: "bypass" });
  });

  it("drop() removes the wait without settling it or running a hook", async () => {
    const { clock, registry } = setup();
    const handle: WaitHandle = {};
    const onEnd = vi.fn();
    const settled = vi.fn();
    registry
      .wait({ chatId: -100, userId: 7, onEnd }, { handle, timeoutMs: 1000 })
      .then(settled, settled);
    expect(registry.drop(handle)).toBe(true);
    expect(registry.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(registry.offer(inGroup().text("hi")).claimed).toBe(false);
    clock.advance(5000);
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();
    expect(onEnd).not.toHaveBeenCalled();
    expect(registry.stats()).toMatchObject({ cancellations: 0, timeouts: 0 });
    expect(registry.drop(handle)).toBe(false);
  });
});
