import { describe, expect, it } from "vitest";
import { ManualClock } from "../testing/manual-clock.js";
import { Due, DueList } from "./due-list.js";

function setup() {
  const clock = new ManualClock(0);
  const list = new DueList(clock);
  const woken: string[] = [];
  const entry = (name: string, dueAt: number) => {
    const due = new Due((now) => woken.push(`${name}@${now}`));
    due.dueAt = dueAt;
    return due;
  };
  return { clock, list, woken, entry };
}

describe("DueList", () => {
  it("wakes entries in due order, each once, however they were added", () => {
    const { clock, list, woken, entry } = setup();
    for (const [name, at] of [
      ["c", 30],
      ["a", 10],
      ["d", 40],
      ["b", 20],
      ["b2", 20],
    ] as const) {
      list.add(entry(name, at));
    }
    clock.advance(25);
    expect(woken).toEqual(["a@10", "b@20", "b2@20"]);
    clock.advance(100);
    expect(woken).toEqual(["a@10", "b@20", "b2@20", "c@30", "d@40"]);
  });

  it("keeps one timer for many entries, and none once the list is empty", () => {
    const { clock, list, entry } = setup();
    const entries = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`, 100 + i));
    for (const e of entries) list.add(e);
    expect(clock.pendingTimers).toBe(1);
    for (const e of entries) list.remove(e);
    expect(clock.pendingTimers).toBe(0);
  });

  it("never wakes a removed entry, and removing twice or one never added is harmless", () => {
    const { clock, list, woken, entry } = setup();
    const a = entry("a", 10);
    const b = entry("b", 20);
    list.add(a);
    list.add(b);
    list.remove(a);
    list.remove(a);
    list.remove(entry("stranger", 5));
    clock.advance(50);
    expect(woken).toEqual(["b@20"]);
  });

  it("wakes an entry added earlier than the armed one at its own time", () => {
    const { clock, list, woken, entry } = setup();
    list.add(entry("late", 100));
    list.add(entry("early", 10));
    clock.advance(10);
    expect(woken).toEqual(["early@10"]);
  });

  it("re-arms for what is left after the earliest entry leaves, and takes entries re-added on waking", () => {
    const { clock, list, woken } = setup();
    const first = new Due(() => woken.push("first"));
    first.dueAt = 10;
    let wakes = 0;
    const repeating: Due = new Due((now) => {
      woken.push(`repeat@${now}`);
      if (++wakes < 3) {
        repeating.dueAt = now + 15;
        list.add(repeating);
      }
    });
    repeating.dueAt = 20;
    list.add(first);
    list.add(repeating);
    list.remove(first);
    clock.advance(100);
    expect(woken).toEqual(["repeat@20", "repeat@35", "repeat@50"]);
    expect(clock.pendingTimers).toBe(0);
  });
});
