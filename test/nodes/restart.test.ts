import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "colloquy/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { runBotProcess } from "./bot-process.js";
import { createOrderBot } from "./order-bot.js";

const script = new URL("./order-process.ts", import.meta.url);

let dir: string | undefined;
let storage: SqliteStorage | undefined;
afterEach(async () => {
  await storage?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the demo's /order across a restart", () => {
  it("keeps the cart when the bot process is killed mid-order and another takes over", async () => {
    dir = await mkdtemp(join(tmpdir(), "colloquy-order-"));
    const db = join(dir, "bot.db");
    expect(await runBotProcess(script, db, "/order", "Yes", "Pizza")).toEqual([
      "Hello, Ann! Are you hungry? [Yes|No]",
      "No worries, I've got your back!",
      "What are you gonna order? Cart: Empty [Finish|Cancel]",
      "Added Pizza",
      "What are you gonna order? Cart: Pizza [Finish|Cancel]",
    ]);
    // This test's process is the new owner: a fresh bot on the file the killed one left.
    storage = new SqliteStorage({ path: db });
    expect(await createOrderBot(storage).say("Sushi", "Finish")).toEqual([
      "Added Sushi",
      "What are you gonna order? Cart: Pizza, Sushi [Finish|Cancel]",
      "Ordering Pizza, Sushi",
      "Ordered!",
      "Again main menu! Are you hungry? [Yes|No]",
    ]);
  });
});
