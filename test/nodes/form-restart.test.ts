import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "colloquy/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { runBotProcess } from "./bot-process.js";
import { BACK, createFormBot } from "./form-bot.js";

const script = new URL("./form-process.ts", import.meta.url);

let dir: string | undefined;
let storage: SqliteStorage | undefined;
afterEach(async () => {
  await storage?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the demo's /form across a restart", () => {
  it("keeps the step and the steps behind it when the bot process is killed mid-form", async () => {
    dir = await mkdtemp(join(tmpdir(), "colloquy-form-"));
    const db = join(dir, "bot.db");
    expect(await runBotProcess(script, db, "/form", "ann@example.com", "36", BACK, "37")).toEqual([
      "Step 1/3: your email?",
      "Step 2/3: your age? [Back]",
      "Step 3/3: your city? [Back]",
      "Step 2/3: your age? [Back]",
      "Step 3/3: your city? [Back]",
    ]);
    // This test's process is the new owner: a fresh bot on the file the killed one left.
    storage = new SqliteStorage({ path: db });
    const { say } = createFormBot(storage);
    expect(await say(BACK)).toEqual(["Step 2/3: your age? [Back]"]);
    expect(await say(BACK)).toEqual(["Step 1/3: your email?"]);
    expect(await say(BACK)).toEqual([]);
    expect(await say("bob@example.com", "38", "Porto")).toEqual([
      "Step 2/3: your age? [Back]",
      "Step 3/3: your city? [Back]",
      "Saved: email=bob@example.com, age=38, city=Porto",
    ]);
  });
});
