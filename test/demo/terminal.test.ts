import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, exited, spawnTs } from "../support/child.js";

/** Runs `npm start`'s program with piped input, as a newcomer would, and returns its output. */
async function runDemo(input: string, env: Record<string, string> = {}): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), "colloquy-demo-"));
  try {
    const child = spawnTs("examples/demo/main.ts", {
      env: { COLLOQUY_DATA: dataDir, BOT_TOKEN: "", ...env },
      input,
    });
    const output = collect(child.stdout, child.stderr);
    const code = await exited(child);
    expect(code, output()).toBe(0);
    return output();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("the demo in terminal mode (piped stdin, a temporary data directory)", () => {
  it("plays /start, /name, /weather and /cancel as the README promises", async () => {
    const output = await runDemo(
      "/start\n/name\nAnn\n/weather\nBerlin\n#1\nTokyo\n#2\n/cancel\nhm\n",
    );
    expect(output).toBe(
      [
        "you> /start",
        "bot> Welcome to the colloquy demo. Try /name, /order, /weather, /count, /form or /survey. /cancel stops any flow.",
        "you> /name",
        "bot> What is your name?",
        "you> Ann",
        "bot> Hello, Ann!",
        "you> /weather",
        "bot> Name a city:",
        "you> Berlin",
        "bot> Found Berlin (Germany) at latitude 52.52437 and longitude 13.41053",
        "bot> Current temperature is 3.0 °C",
        "bot> What should we do next?",
        "  [1] continue  [2] quit",
        "you> #1",
        "bot> Name a city:",
        "you> Tokyo",
        "bot> Found Tokyo (Japan) at latitude 35.6895 and longitude 139.69171",
        "bot> Current temperature is 16.4 °C",
        "bot> What should we do next?",
        "  [1] continue  [2] quit",
        "you> #2",
        "bot> Terminating",
        "you> /cancel",
        "bot> Nothing to cancel.",
        "you> hm",
        "bot> I did not understand. Try /start.",
        "",
      ].join("\n"),
    );
  }, 60_000);

  it("answers inline queries typed as `@ query`, and says when a button is no longer active", async () => {
    const output = await runDemo("@ par\n/form\na@b.c\n#1\n#1\n/cancel\n#1\n");
    expect(output).toBe(
      [
        "you> @ par",
        "bot (1 inline result)>",
        "  Paris: Found Paris (France) at latitude 48.85341 and longitude 2.3488",
        "you> /form",
        "bot> Step 1/3: your email?",
        "you> a@b.c",
        "bot> Step 2/3: your age?",
        "  [1] Back",
        "you> #1",
        "bot> Step 1/3: your email?",
        "you> #1",
        "bot (toast)> This button is no longer active.",
        "you> /cancel",
        "bot> Cancelled.",
        "you> #1",
        "bot (toast)> This button is no longer active.",
        "",
      ].join("\n"),
    );
  }, 60_000);
});
