/** The README's first example (examples/hello-bot.ts) runs in the terminal with no token. */
import { describe, expect, it } from "vitest";
import { collect, exited, spawnTs } from "../support/child.js";

describe("examples/hello-bot.ts without BOT_TOKEN", () => {
  it("talks in the terminal and ends with its input", async () => {
    const child = spawnTs("examples/hello-bot.ts", {
      env: { BOT_TOKEN: "" },
      input: "/start\nAnn\n33\nthanks\n",
    });
    const output = collect(child.stdout, child.stderr);
    expect(await exited(child), output()).toBe(0);
    expect(output()).toBe(
      [
        "you> /start",
        "bot> Hi! What is your name?",
        "you> Ann",
        "bot> Nice to meet you, Ann. How old are you?",
        "you> 33",
        "bot> Ann is 33. Noted!",
        "you> thanks",
        "bot> Send /start to begin.",
        "",
      ].join("\n"),
    );
  }, 60_000);
});
