import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStorage } from "colloquy/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { createOrderBot } from "./order-bot.js";

const script = fileURLToPath(new URL("./order-process.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs the bot in a new process that is killed (SIGKILL) once it has answered `texts`. */
function runProcess(db: string, ...texts: string[]): Promise<string[]> {
  const args = ["--import", "tsx", "--conditions=colloquy-src", script, db, ...texts];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (signal === "SIGKILL" && out !== "") resolve(JSON.parse(out) as string[]);
      else reject(new Error(`the bot process ended with ${signal ?? code}:\n${err}`));
    });
  });
}

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
    expect(await runProcess(db, "/order", "Yes", "Pizza")).toEqual([
      "Hello, Ann! Are you hungry? [Yes|No]",
      "No worries, I've got you back!",
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
