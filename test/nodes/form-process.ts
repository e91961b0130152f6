/**
 * Runs the demo's /form on a SQLite file in a process of its own, for the restart test:
 * `node --import tsx --conditions=colloquy-src form-process.ts DB_PATH INPUT...`. Prints the bot's
 * replies as JSON, then kills itself: nothing is closed or flushed on the way out.
 */
import { writeSync } from "node:fs";
import { SqliteStorage } from "colloquy/sqlite";
import { createFormBot } from "./form-bot.js";

const [path, ...inputs] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: form-process.ts DB_PATH INPUT...");
const { say } = createFormBot(new SqliteStorage({ path }));
writeSync(1, JSON.stringify(await say(...inputs)));
process.kill(process.pid, "SIGKILL");
