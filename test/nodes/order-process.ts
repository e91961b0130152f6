/**
 * Runs the demo's /order on a SQLite file in a process of its own, for the restart test:
 * `node --import tsx --conditions=colloquy-src order-process.ts DB_PATH TEXT...`. Prints the bot's
 * replies as JSON, then kills itself: nothing is closed or flushed on the way out.
 */
import { writeSync } from "node:fs";
import { SqliteStorage } from "colloquy/sqlite";
import { createOrderBot } from "./order-bot.js";

const [path, ...texts] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: order-process.ts DB_PATH TEXT...");
const { say } = createOrderBot(new SqliteStorage({ path }));
writeSync(1, JSON.stringify(await say(...texts)));
process.kill(process.pid, "SIGKILL");
