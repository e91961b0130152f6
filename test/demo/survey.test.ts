import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { exited, stop, waitForOutput } from "../support/child.js";
import { createDemo } from "./harness.js";

describe("/survey, a durable conversation in the demo", () => {
  it("/cancel ends it with Cancelled., and then there is nothing to cancel", async () => {
    const demo = createDemo();
    await demo.send("/survey");
    await demo.send("Ann");
    await demo.send("/cancel");
    await demo.send("/cancel");
    await demo.send("8");
    expect(demo.transcript().slice(2)).toEqual([
      "Cancelled.",
      "Nothing to cancel.",
      "I did not understand. Try /start.",
    ]);
  });

  it("/start lists it", async () => {
    const demo = createDemo();
    await demo.send("/start");
    expect(demo.transcript()[0]).toContain("/survey");
  });
});

const root = fileURLToPath(new URL("../..", import.meta.url));

/** `npm start`'s program on `dataDir`, its stdin left open for lines typed one at a time. */
function startDemo(dataDir: string) {
  const argv = ["--import", "tsx", "--conditions=colloquy-src", "examples/demo/main.ts"];
  return spawn(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, COLLOQUY_DATA: dataDir, BOT_TOKEN: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Resolves once the survey's journal in the demo's SQLite file holds `steps` steps. */
async function journaledSteps(path: string, steps: number): Promise<void> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = db.prepare(
      "SELECT count(*) AS n FROM colloquy_entries WHERE key LIKE 'colloquy:conv:%:survey:%'",
    );
    for (let tries = 0; (count.get() as { n: number }).n < steps; tries++) {
      if (tries > 500) throw new Error(`the survey's journal never reached ${steps} steps`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    db.close();
  }
}

/** Each line the demo gets, with the reply it must print before the next line is typed. */
const script: readonly [string, string][] = [
  ["/survey", "bot> Survey 1/3: what is your name?"],
  ["Ann", "bot> Survey 2/3: how many hours do you sleep, Ann?"],
  ["7", "bot> Survey 3/3: coffee or tea?"],
  ["tea", "bot> Thanks, Ann: 7 h of sleep and tea."],
];

describe("/survey across a SIGKILL (the demo's own process, real SQLite)", () => {
  it.each([1, 2, 3])(
    "killed after step %i, started again with npm start's program, it carries on",
    async (killAfter) => {
      const dataDir = await mkdtemp(join(tmpdir(), "colloquy-survey-"));
      try {
        let output = "";
        let child = startDemo(dataDir);
        for (const [at, [line, reply]] of script.entries()) {
          if (at === killAfter) {
            // Killed once the step is journaled: a kill between a prompt and its journal write
            // is the documented crash window, tested on its own in test/conversations.
            await journaledSteps(join(dataDir, "demo.db"), killAfter);
            await stop(child, "SIGKILL");
            child = startDemo(dataDir);
          }
          const printed = waitForOutput(child, reply, `the demo at "${line}"`);
          child.stdin.write(`${line}\n`);
          output += await printed;
        }
        child.stdin.end();
        expect(await exited(child)).toBe(0);
        // Every prompt once: nothing was asked twice, nothing lost across the kill.
        for (const [, reply] of script) {
          expect(output.split(reply).length - 1, output).toBe(1);
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
