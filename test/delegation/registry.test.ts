import { describe, expect, it, vi } from "vitest";
import { DelegateRegistry, type DelegateRegistryOptions } from "../../src/delegation/registry.js";
import type { DelegateFunction, Delivery } from "../../src/delegation/types.js";
import { IdleTimeoutError, InvalidArgumentError } from "../../src/errors.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { deferred, flush, track } from "./harness.js";

function registry(
  run: DelegateFunction<string>,
  options: Partial<DelegateRegistryOptions<string>> = {},
) {
  const clock = new ManualClock();
  const spawned: string[] = [];
  const delegates = new DelegateRegistry<string>({
    spawn: (first) => {
      spawned.push(first);
      return run;
    },
    clock,
    ...options,
  });
  return { delegates, clock, spawned };
}

/** A delegate that logs what it gets until it sees "stop". */
function logger(log: string[], timeoutMs?: number): DelegateFunction<string> {
  return async (first, inbox) => {
    for (
      let item = first;
      item !== "stop";
      item = await inbox.next(timeoutMs ? { timeoutMs } : {})
    ) {
      log.push(item);
    }
  };
}

describe("DelegateRegistry", () => {
  it("resolves a delivery once the delegate asks for more, and keeps the inbox in order", async () => {
    const gate = deferred();
    const log: string[] = [];
    const { delegates } = registry(async (first, inbox) => {
      log.push(first);
      await gate.promise;
      for (;;) log.push(await inbox.next());
    });
    const a = track(delegates.deliver("s", "a"));
    const b = delegates.deliver("s", "b");
    const c = delegates.deliver("s", "c");
    await flush();
    expect(a.settled).toBe(false);
    gate.resolve();
    expect(await Promise.all([b, c])).toEqual([true, true]);
    expect(log).toEqual(["a", "b", "c"]);
    expect(delegates.size).toBe(1);
  });

  it("reports updates no delegate takes: declined spawns and uncaptured ones", async () => {
    const { delegates } = registry(logger([]), {
      spawn: (first) => (first.startsWith("go") ? logger([]) : undefined),
      accepts: (item) => item !== "skip",
    });
    expect(await delegates.deliver("s", "no")).toBe(false);
    expect(await delegates.deliver("s", "go")).toBe(true);
    expect(await delegates.deliver("s", "skip")).toBe(false);
    expect(await delegates.deliver("s", "next")).toBe(true);
  });

  it("arms the idle timer only while the delegate waits, and closes quietly with it", async () => {
    const onError = vi.fn();
    const gate = deferred();
    const { delegates, clock } = registry(
      async (_first, inbox) => {
        await gate.promise;
        await inbox.next();
      },
      { idleTimeoutMs: 1000, onError },
    );
    const first = delegates.deliver("s", "a");
    await clock.advanceAsync(5000); // busy, not idle
    expect(delegates.size).toBe(1);
    gate.resolve();
    expect(await first).toBe(true);
    await clock.advanceAsync(999);
    expect(delegates.size).toBe(1);
    await clock.advanceAsync(1);
    await flush();
    expect(delegates.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(onError).not.toHaveBeenCalled();
  });

  it("takes a per-wait timeout that the delegate may catch and outlive", async () => {
    const log: string[] = [];
    const { delegates, clock } = registry(
      async (_first, inbox) => {
        try {
          await inbox.next({ timeoutMs: 50 });
        } catch (error) {
          expect(error).toBeInstanceOf(IdleTimeoutError);
          log.push(`${(error as IdleTimeoutError).idleMs}`);
        }
        log.push(await inbox.next());
      },
      { idleTimeoutMs: 10_000 },
    );
    await delegates.deliver("s", "a");
    await clock.advanceAsync(50);
    await delegates.deliver("s", "b");
    await flush();
    expect(log).toEqual(["50", "b"]);
    expect(delegates.size).toBe(0);
  });

  it("ends a wait early through its signal", async () => {
    const stop = new AbortController();
    const log: string[] = [];
    const { delegates, clock } = registry(async (_first, inbox) => {
      await inbox.next({ signal: stop.signal, timeoutMs: 1000 }).catch((e) => log.push(e));
      await inbox.receive({ signal: stop.signal }).catch((e) => log.push(e));
    });
    await delegates.deliver("s", "a");
    stop.abort("stopped");
    await flush();
    expect(log).toEqual(["stopped", "stopped"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("hands updates that arrive as a delegate ends to a fresh delegate, in order", async () => {
    const log: string[] = [];
    const goodbye = deferred();
    const { delegates, spawned } = registry(async (first, inbox) => {
      log.push(first);
      if (first === "last") {
        await goodbye.promise; // ends without reading: "x" and "y" wait in its inbox
        return;
      }
      for (;;) log.push(await inbox.next());
    });
    const last = track(delegates.deliver("s", "last"));
    const x = delegates.deliver("s", "x");
    const y = delegates.deliver("s", "y");
    await flush();
    expect(log).toEqual(["last"]);
    expect(last.settled).toBe(false); // handled only once the delegate has ended
    goodbye.resolve();
    expect(await Promise.all([x, y])).toEqual([true, true]);
    expect(spawned).toEqual(["last", "x"]);
    expect(log).toEqual(["last", "x", "y"]);
  });

  it("reports a left-over update as not taken when no fresh delegate will have it", async () => {
    const { delegates } = registry(async () => {}, {
      spawn: (first) => (first === "start" ? async () => {} : undefined),
    });
    const start = delegates.deliver("s", "start");
    const late = delegates.deliver("s", "late");
    expect(await start).toBe(true);
    expect(await late).toBe(false);
  });

  it("fails the update being handled with the delegate's error, or gives it to onError", async () => {
    const boom = new Error("boom");
    const run: DelegateFunction<string> = async (first, inbox) => {
      for (let item = first; ; item = await inbox.next()) if (item === "bad") throw boom;
    };
    const plain = registry(run).delegates;
    await plain.deliver("s", "ok");
    await expect(plain.deliver("s", "bad")).rejects.toBe(boom);
    expect(plain.size).toBe(0);
    const onError = vi.fn();
    const observed = registry(run, { onError }).delegates;
    expect(await observed.deliver("s", "bad")).toBe(true);
    expect(onError).toHaveBeenCalledWith(boom, "s");
  });

  it("logs an error that no update and no onError can take", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const { delegates, clock } = registry(async (_first, inbox) => {
      inbox.after(10, "tick");
      await inbox.receive();
      throw new Error("in an event");
    });
    await delegates.deliver("s", "a");
    await clock.advanceAsync(10);
    await flush();
    expect(log).toHaveBeenCalledWith("colloquy: delegate s failed", expect.any(Error));
    log.mockRestore();
  });

  it("delivers scheduled events in order with updates, and cancels them at close", async () => {
    const got: Delivery<string>[] = [];
    const { delegates, clock } = registry(async (_first, inbox) => {
      const cancelled = inbox.after(20, "never");
      inbox.at(clock.now() + 10, "ten");
      inbox.after(30, "thirty");
      expect(inbox.cancel(cancelled)).toBe(true);
      expect(inbox.cancel(cancelled)).toBe(false);
      expect(await inbox.next()).toBe("update");
      for (let i = 0; i < 2; i++) got.push(await inbox.receive());
      inbox.after(1000, "dropped at close");
    });
    await delegates.deliver("s", "a");
    await clock.advanceAsync(15);
    await delegates.deliver("s", "update");
    await clock.advanceAsync(15);
    await flush();
    expect(got.map((d) => (d.kind === "event" ? d.event.data : d.update))).toEqual([
      "ten",
      "thirty",
    ]);
    expect(got[0]).toMatchObject({ event: { at: clock.now() - 20 } });
    expect(clock.pendingTimers).toBe(0);
  });

  it("starts a delegate per one-off seed and records none", async () => {
    const log: string[] = [];
    const { delegates } = registry(logger(log));
    await delegates.deliver({ oneOff: "u1" }, "a");
    await delegates.deliver({ oneOff: "u2" }, "b");
    expect(log).toEqual(["a", "b"]);
    expect(delegates.size).toBe(0);
  });

  it("refuses a second read while one is pending, and bad durations", async () => {
    const { delegates } = registry(async (_first, inbox) => {
      void inbox.next();
      await expect(inbox.next()).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(inbox.receive({ timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(() => inbox.after(-1, "x")).toThrow(InvalidArgumentError);
    });
    await delegates.deliver("s", "a");
    expect(() => registry(logger([]), { idleTimeoutMs: 0 })).toThrow(InvalidArgumentError);
  });
});
