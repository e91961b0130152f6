import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, exited, spawnTs } from "../support/child.js";

/**
 * Runs `npm start`'s program with piped input, as a newcomer would, once per input (each run a
 * restart on the same temporary data directory), and returns each run's output.
 */
async function runDemoRuns(inputs: readonly string[]): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "colloquy-demo-"));
  try {
    const outputs: string[] = [];
    for (const input of inputs) {
      const child = spawnTs("examples/demo/main.ts", {
        env: { COLLOQUY_DATA: dataDir, BOT_TOKEN: "" },
        input,
      });
      const output = collect(child.stdout, child.stderr);
      const code = await exited(child);
      expect(code, output()).toBe(0);
      outputs.push(output());
    }
    return outputs;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runDemo(input: string): Promise<string> {
  const [output = ""] = await runDemoRuns([input]);
  return output;
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

  it("presses /order's reply keyboard with #N, and after a restart says it does not know it", async () => {
    const [first, second] = await runDemoRuns(["/order\n#1\nPizza\n#1\n#3\n", "#1\nYes\n"]);
    expect(first).toBe(
      [
        "you> /order",
        `bot> Hello, ${userInfo().username || "you"}! Are you hungry?`,
        "  (reply keyboard) [1] Yes  [2] No",
        "you> #1",
        "bot> No worries, I've got your back!",
        "bot> What are you gonna order? Cart: Empty",
        "  (reply keyboard) [1] Finish  [2] Cancel",
        "you> Pizza",
        "bot> Added Pizza",
        "bot> What are you gonna order? Cart: Pizza",
        "  (reply keyboard) [1] Finish  [2] Cancel",
        "you> #1",
        "bot> Ordering Pizza",
        "bot> Ordered!",
        "bot> Again main menu! Are you hungry?",
        "  (reply keyboard) [1] Yes  [2] No",
        "you> #3",
        "(the newest keyboard has buttons 1 to 2)",
        "",
      ].join("\n"),
    );
    // The flow is durable, the keyboard a new run has not seen is not known: typing works.
    expect(second).toBe(
      [
        "you> #1",
        "(there is no keyboard to press; one sent before this run started is not known here)",
        "you> Yes",
        "bot> No worries, I've got your back!",
        "bot> What are you gonna order? Cart: Empty",
        "  (reply keyboard) [1] Finish  [2] Cancel",
        "",
      ].join("\n"),
    );
  }, 60_000);
});
