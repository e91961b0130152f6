import { afterEach, describe, expect, it, vi } from "vitest";
import { armWindDown } from "../../src/adapters/terminal/wind-down.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("armWindDown", () => {
  it("does nothing until input ends, then says it waits once the bot takes a while", () => {
    vi.useFakeTimers();
    const ended = new AbortController();
    const notices: string[] = [];
    const disarm = armWindDown(ended.signal, {
      ownStdin: false,
      notice: (text) => notices.push(text),
      noticeAfterMs: 500,
    });
    vi.advanceTimersByTime(1_000);
    expect(notices).toEqual([]);
    ended.abort();
    vi.advanceTimersByTime(499);
    expect(notices).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(notices).toEqual(["(waiting for the bot to finish; Ctrl+C again quits at once)"]);
    disarm();
  });

  it("says nothing when the run ends in time", () => {
    vi.useFakeTimers();
    const ended = new AbortController();
    const notices: string[] = [];
    const disarm = armWindDown(ended.signal, {
      ownStdin: false,
      notice: (text) => notices.push(text),
      noticeAfterMs: 500,
    });
    ended.abort();
    vi.advanceTimersByTime(100);
    disarm();
    vi.advanceTimersByTime(1_000);
    expect(notices).toEqual([]);
  });

  it("listens for the next Ctrl+C from the end of input to the end of the run, on its own stdin", () => {
    const before = process.listenerCount("SIGINT");
    const ended = new AbortController();
    const disarm = armWindDown(ended.signal, {
      ownStdin: true,
      notice: undefined,
      noticeAfterMs: 0,
    });
    expect(process.listenerCount("SIGINT")).toBe(before);
    ended.abort();
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    disarm();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
