import { describe, expect, it } from "vitest";
import { type Clock, type TimerOptions, unreferenced } from "./clock.js";

describe("unreferenced", () => {
  it("sets every timer of the clock it wraps with keepAlive false, and keeps its time", () => {
    const seen: (TimerOptions | undefined)[] = [];
    const clock: Clock = {
      now: () => 42,
      setTimer(_ms, _fn, options) {
        seen.push(options);
        return () => {};
      },
    };
    const wrapped = unreferenced(clock);
    wrapped.setTimer(10, () => {});
    expect(seen).toEqual([{ keepAlive: false }]);
    expect(wrapped.now()).toBe(42);
  });
});
