import { describe, expect, it } from "vitest";
import { ScriptExhaustedError, ScriptedIo } from "../testing/scripted-io.js";

describe("ScriptedIo", () => {
  it("records prints, prompts and answers in order", async () => {
    const io = new ScriptedIo(["Ann"]);
    await io.print("Hi");
    await expect(io.input("Name?")).resolves.toBe("Ann");
    expect(io.transcript).toEqual(["Hi", "Name?", "> Ann"]);
  });

  it("fails at once, naming the prompt, when the script has no answer left", async () => {
    const error = await new ScriptedIo().input("Name?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptExhaustedError);
    expect((error as ScriptExhaustedError).prompt).toBe("Name?");
  });

  it("with whenOutOfAnswers: wait, answers given later reach the waiting input", async () => {
    const io = new ScriptedIo([], { whenOutOfAnswers: "wait" });
    const name = io.input("Name?");
    await expect(io.waitingForInput()).resolves.toBe("Name?");
    io.answer("Ann", "Bob");
    await expect(name).resolves.toBe("Ann");
    await expect(io.input()).resolves.toBe("Bob");
    expect(io.transcript).toEqual(["Name?", "> Ann", "> Bob"]);
  });

  it("an aborted input leaves the next answer for the next input", async () => {
    const io = new ScriptedIo([], { whenOutOfAnswers: "wait" });
    const controller = new AbortController();
    const first = io.input("A?", { signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toThrow();
    io.answer("x");
    await expect(io.input("B?")).resolves.toBe("x");
  });
});
