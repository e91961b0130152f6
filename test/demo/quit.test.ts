/**
 * The demo quits promptly however it is told to, whatever flow is active: the end of its input,
 * Ctrl+C (SIGINT) or SIGTERM. Each case runs `npm start`'s program with its default SQLite
 * storage, starts a flow, then ends it and measures how long the process takes to exit.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, spawnTs, timeToExit, waitForOutput } from "../support/child.js";

// Generous against a loaded machine; the demo takes well under a second (see the report line).
const promptlyMs = 3_000;

const flows = {
  "/count": { lines: ["/count", "a"], shown: "bot> 1" },
  "/form": { lines: ["/form"], shown: "Step 1/3: your email?" },
  "/order": { lines: ["/order"], shown: "Are you hungry?" },
  "/name": { lines: ["/name"], shown: "What is your name?" },
  "/weather": { lines: ["/weather"], shown: "Name a city:" },
} as const;

type Ending = readonly [name: string, end: (child: ChildProcess) => void];
const endOfInput: Ending = ["the end of input", (child) => child.stdin?.end()];
const sigint: Ending = ["Ctrl+C (SIGINT)", (child) => child.kill("SIGINT")];
const sigterm: Ending = ["SIGTERM", (child) => child.kill("SIGTERM")];

// Every flow with the two ways a person quits; SIGTERM (a supervisor) once, with the flow that
// has a goodbye to say.
const cases = Object.entries(flows).flatMap(([name, flow]) =>
  [endOfInput, sigint, ...(name === "/count" ? [sigterm] : [])].map(([ending, end]) => ({
    name,
    flow,
    ending,
    end,
  })),
);

describe("the demo quits promptly", () => {
  for (const { name, flow, ending, end } of cases) {
    it(`on ${ending} while ${name} is active`, async ({ onTestFinished }) => {
      const dataDir = await mkdtemp(join(tmpdir(), "colloquy-quit-"));
      try {
        const child = spawnTs("examples/demo/main.ts", {
          env: { COLLOQUY_DATA: dataDir, BOT_TOKEN: "", COUNT_IDLE_MS: "60000" },
          openStdin: true,
        });
        // A demo that failed to quit must not outlive its test.
        onTestFinished(() => void child.kill("SIGKILL"));
        const output = collect(child.stdout, child.stderr);
        child.stdin?.write(flow.lines.map((line) => `${line}\n`).join(""));
        await waitForOutput(child, flow.shown, "the demo");
        const exit = await timeToExit(child, () => end(child));
        console.log(`demo exit on ${ending} during ${name}: ${exit.ms} ms`);
        expect(exit, output()).toMatchObject({ code: 0, signal: null });
        expect(exit.ms, output()).toBeLessThan(promptlyMs);
        // Stopping says goodbye where the flow has one, and nothing goes wrong on the way.
        if (name === "/count") expect(output()).toContain("Counter closed: the bot is stopping.");
        expect(output()).not.toMatch(/error|failed/i);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 30_000);
  }
});
