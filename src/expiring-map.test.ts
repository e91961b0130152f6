import { describe, expect, it } from "vitest";
import { ExpiringMap } from "./expiring-map.js";
import { ManualClock } from "./testing/manual-clock.js";

describe("ExpiringMap", () => {
  it("forgets an entry ttlMs after its last write, and drops expired ones as it is used", () => {
    const clock = new ManualClock();
    const map = new ExpiringMap<number>(clock, 100);
    map.set("a", 1);
    map.set("b", 2);
    clock.advance(50);
    map.set("a", 3); // rewritten: lives until 150
    clock.advance(60);
    expect(map.get("b")).toBeUndefined();
    expect(map.get("a")).toBe(3);
    expect(map.size).toBe(1);
    clock.advance(40);
    map.set("c", 4);
    expect(map.size).toBe(1);
  });

  it("keeps at most max entries, dropping the least recently written", () => {
    const map = new ExpiringMap<number>(new ManualClock(), 1_000, 2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("a", 3);
    map.set("c", 4);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([3, undefined, 4]);
  });
});
