/**
 * A user's bot in the terminal quits promptly at the end of input or on Ctrl+C, whatever it waits
 * for: colloquy's own timers (an ask's timeout, a delegate's idle close, a storage's sweep) never
 * keep the process alive; and a second Ctrl+C quits a bot stuck in a handler.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { collect, spawnTs, timeToExit, waitForOutput } from "../support/child.js";

const promptlyMs = 3_000;
let dataDir = "";
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "colloquy-user-bot-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function startUserBot({ task, onTestFinished }: TestContext, lines: readonly string[]) {
  const script = fileURLToPath(new URL("./user-bot-process.ts", import.meta.url));
  const child = spawnTs(script, { args: [join(dataDir, `${task.id}.db`)], openStdin: true });
  // A bot that failed to quit must not outlive its test.
  onTestFinished(() => void child.kill("SIGKILL"));
  const output = collect(child.stdout, child.stderr);
  child.stdin?.write(lines.map((line) => `${line}\n`).join(""));
  return { child, output };
}

const waiting = ["/echo", "hi", "/start"];

describe("a user's bot in the terminal", () => {
  it("exits at the end of input while an ask and a delegate wait", async (context) => {
    const { child, output } = startUserBot(context, waiting);
    await waitForOutput(child, "What is your name?");
    const exit = await timeToExit(child, () => child.stdin?.end());
    console.log(`user bot exit on the end of input: ${exit.ms} ms`);
    expect(exit, output()).toMatchObject({ code: 0, signal: null });
    expect(exit.ms, output()).toBeLessThan(promptlyMs);
  }, 30_000);

  it("exits on Ctrl+C while an ask and a delegate wait, its own SIGINT handler or not", async (context) => {
    const { child, output } = startUserBot(context, waiting);
    await waitForOutput(child, "What is your name?");
    const exit = await timeToExit(child, () => child.kill("SIGINT"));
    console.log(`user bot exit on Ctrl+C: ${exit.ms} ms`);
    expect(exit, output()).toMatchObject({ code: 0, signal: null });
    expect(exit.ms, output()).toBeLessThan(promptlyMs);
  }, 30_000);

  it("quits at once on a second Ctrl+C when a handler is stuck", async (context) => {
    const { child, output } = startUserBot(context, ["/stuck"]);
    await waitForOutput(child, "bot> stuck");
    child.kill("SIGINT");
    // The first Ctrl+C stops the input; the stuck handler holds the run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(child.exitCode, output()).toBeNull();
    const exit = await timeToExit(child, () => child.kill("SIGINT"));
    console.log(`stuck user bot exit on a second Ctrl+C: ${exit.ms} ms`);
    expect(exit, output()).toMatchObject({ code: 130, signal: null });
    expect(exit.ms, output()).toBeLessThan(promptlyMs);
  }, 30_000);
});
