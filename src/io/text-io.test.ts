import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.js";
import { ScriptedIo } from "../testing/scripted-io.js";
import { matchChoice } from "./text-io.js";

const menu = "What next?\n  1) continue\n  2) quit\nYour choice (1-2):";

describe("choose on a text channel", () => {
  it("lists the options numbered and accepts a number", async () => {
    const io = new ScriptedIo(["2"]);
    await expect(io.choose("What next?", ["continue", "quit"])).resolves.toBe("quit");
    expect(io.transcript).toEqual([menu, "> 2"]);
  });

  it("accepts the option itself, ignoring case and spaces", async () => {
    const io = new ScriptedIo(["  Continue "]);
    await expect(io.choose("What next?", ["continue", "quit"])).resolves.toBe("continue");
  });

  it("re-asks with Try again on an answer that picks nothing", async () => {
    const io = new ScriptedIo(["maybe", "0", "3", "quit"]);
    await expect(io.choose("What next?", ["continue", "quit"])).resolves.toBe("quit");
    expect(io.transcript).toEqual([
      menu,
      "> maybe",
      "Try again",
      menu,
      "> 0",
      "Try again",
      menu,
      "> 3",
      "Try again",
      menu,
      "> quit",
    ]);
  });

  it("refuses an empty list of options", async () => {
    await expect(new ScriptedIo().choose("Pick", [])).rejects.toThrow(InvalidArgumentError);
  });

  it("an abort while choosing rejects and prints no Try again", async () => {
    const io = new ScriptedIo([], { whenOutOfAnswers: "wait" });
    const controller = new AbortController();
    const choice = io.choose("What next?", ["a", "b"], { signal: controller.signal });
    await io.waitingForInput();
    controller.abort();
    await expect(choice).rejects.toThrow();
    expect(io.transcript).toEqual(["What next?\n  1) a\n  2) b\nYour choice (1-2):"]);
  });
});

describe("matchChoice", () => {
  it("prefers an exact option over a number", () => {
    expect(matchChoice("2", ["2", "1"])).toBe("2");
    expect(matchChoice("1", ["2", "1"])).toBe("1");
    expect(matchChoice("3", ["a", "b"])).toBeUndefined();
    expect(matchChoice("", ["a"])).toBeUndefined();
  });
});
