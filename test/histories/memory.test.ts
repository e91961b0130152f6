import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { MemoryHistory } from "../../src/histories/memory.js";
import { testHistory } from "../../src/testing/history-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";

testHistory("MemoryHistory", (limits) => {
  const clock = new ManualClock();
  return {
    history: new MemoryHistory({ ...limits, clock }),
    clock,
    advance: (ms) => clock.advance(ms),
  };
});

describe("MemoryHistory", () => {
  it("drops 100k expired scopes on its next operation, without a timer", async () => {
    const clock = new ManualClock();
    const history = new MemoryHistory({ clock, ttlMs: 60_000 });
    for (let i = 0; i < 100_000; i++) await history.push(`chat:${i}`, { step: "start" });
    expect(history.size).toBe(100_000);
    clock.advance(30_000);
    await history.push("chat:fresh", { step: "start" });
    expect(history.size).toBe(100_001);
    clock.advance(30_000);
    expect(await history.peek("chat:0")).toBeUndefined();
    expect(history.size).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps a scope written again behind the ones that expire first", async () => {
    const clock = new ManualClock();
    const history = new MemoryHistory({ clock, ttlMs: 10_000 });
    await history.push("old", { step: "a" });
    await history.push("busy", { step: "a" });
    clock.advance(6_000);
    await history.push("old", { step: "b" });
    clock.advance(6_000);
    expect(await history.list("busy")).toEqual([]);
    expect(history.size).toBe(1);
    expect((await history.peek("old"))?.step).toBe("b");
  });

  it("holds nothing for a scope emptied by pop or clear", async () => {
    const history = new MemoryHistory();
    await history.push("a", { step: "s" });
    await history.push("b", { step: "s" });
    await history.pop("a");
    await history.clear("b");
    expect(history.size).toBe(0);
  });

  it("forgets the least recently written scope beyond maxScopes", async () => {
    const history = new MemoryHistory({ maxScopes: 2 });
    await history.push("a", { step: "s" });
    await history.push("b", { step: "s" });
    await history.push("a", { step: "t" });
    await history.push("c", { step: "s" });
    expect(history.size).toBe(2);
    expect(await history.list("b")).toEqual([]);
    expect((await history.list("a")).map((r) => r.step)).toEqual(["s", "t"]);
  });

  it("refuses maxRecords, ttlMs and maxScopes that are not positive", () => {
    const bad = [
      { maxRecords: 0 },
      { maxRecords: 2.5 },
      { ttlMs: 0 },
      { ttlMs: Number.POSITIVE_INFINITY },
      { maxScopes: -1 },
    ];
    for (const options of bad) {
      expect(() => new MemoryHistory(options)).toThrow(InvalidArgumentError);
    }
  });
});
