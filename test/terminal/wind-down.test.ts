import { afterEach, describe, expect, it, vi } from "vitest";
import { armWindDown } from "../../src/adapters/terminal/wind-down.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Arms a wind-down that notices after 500 ms, on fake timers; `notices` collects what it says. */
function armedWithNotice() {
  vi.useFakeTimers();
  const ended = new AbortController();
  const notices: string[] = [];
  const disarm = armWindDown(ended.signal, {
    ownStdin: false,
    notice: (text) => notices.push(text),
    noticeAfterMs: 500,
  });
  return { ended, notices, disarm };
}

describe("armWindDown", () => {
  it("does nothing until input ends, then says it waits once the bot takes a while", () => {
    const { ended, notices, disarm } = armedWithNotice();
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
    const { ended, notices, disarm } = armedWithNotice();
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
