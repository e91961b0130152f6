import { describe, expect, it } from "vitest";
import {
  ColloquyError,
  InvalidArgumentError,
  ListenerCancelledError,
  ListenerTimeoutError,
  NonJsonValueError,
} from "./errors.js";

/** Simulates a second copy of the package: a distinct class with the same brand and code. */
async function loadSecondCopy(): Promise<typeof import("./errors.js")> {
  const url = new URL("./errors.ts", import.meta.url);
  url.searchParams.set("copy", "2");
  return (await import(/* @vite-ignore */ url.href)) as typeof import("./errors.js");
}

describe("ColloquyError", () => {
  it("carries a stable code, a name and a message that says what to do", () => {
    const error = new ListenerTimeoutError("chat 1, user 2", 500);
    expect(error.code).toBe("LISTENER_TIMEOUT");
    expect(error.name).toBe("ListenerTimeoutError");
    expect(error.message).toContain("500 ms");
    expect(error.message).toContain("timeoutMs");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ColloquyError);
    expect(error).not.toBeInstanceOf(ListenerCancelledError);
  });

  it("keeps instanceof across two loaded copies of the package", async () => {
    const copy = await loadSecondCopy();
    expect(copy.ListenerTimeoutError).not.toBe(ListenerTimeoutError);
    const foreign = new copy.ListenerTimeoutError("scope", 1);
    expect(foreign).toBeInstanceOf(ListenerTimeoutError);
    expect(foreign).toBeInstanceOf(ColloquyError);
    expect(foreign).not.toBeInstanceOf(ListenerCancelledError);
    expect(new ListenerCancelledError("s", "bypass")).toBeInstanceOf(copy.ColloquyError);
  });

  it("does not treat plain objects or a user's own subclass loosely", () => {
    class MyTimeout extends ListenerTimeoutError {}
    expect(new ListenerTimeoutError("s", 1)).not.toBeInstanceOf(MyTimeout);
    expect(new MyTimeout("s", 1)).toBeInstanceOf(ListenerTimeoutError);
    expect({ code: "LISTENER_TIMEOUT" }).not.toBeInstanceOf(ColloquyError);
  });

  it("names the path of a non-JSON value and the offending argument", () => {
    expect(new NonJsonValueError("$.a[1]", "a Date").path).toBe("$.a[1]");
    const invalid = new InvalidArgumentError("timeoutMs", "a positive number", -1);
    expect(invalid.message).toBe("timeoutMs must be a positive number; got -1.");
  });
});
