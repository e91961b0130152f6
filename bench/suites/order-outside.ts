/**
 * µs per update of users who are in no flow, on a bot with `/order` installed (memory, SQLite)
 * and on the same bot without it: what a flow costs everyone else (issue 18: ≤ 1.1×). Every text
 * gets one reply from the handler after the flow's middleware, which must see them all.
 *
 * @module
 */
import { join } from "node:path";
import { MemoryLock, MemoryStorage, type Storage } from "colloquy";
import { SqliteStorage } from "colloquy/sqlite";
import { tempDir } from "../../test/support/temp-dir.js";
import { ratio } from "../harness/figures.js";
import type { BenchRow, Figure } from "../harness/types.js";
import { driveTexts, type FeedMode, makeUsers } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";
import { outsideBot } from "./order-floors.js";

/** Texts each user sends. */
const TEXTS_PER_USER = 8;

interface Backend {
  readonly id: string;
  readonly title: string;
  /** Opens the flow's storage, or none for the bot without the flow. */
  open(): Promise<{ readonly storage?: Storage; dispose(): Promise<void> }>;
}

const backends: readonly Backend[] = [
  {
    id: "none",
    title: "users in no flow, colloquy() with no flow installed",
    open: async () => ({ dispose: async () => {} }),
  },
  {
    id: "memory",
    title: "users in no flow, /order installed on MemoryStorage",
    open: async () => {
      const storage = new MemoryStorage();
      return { storage, dispose: () => storage.close() };
    },
  },
  {
    id: "sqlite",
    title: "users in no flow, /order installed on SqliteStorage (temp file)",
    open: async () => {
      const dir = await tempDir("bench");
      const storage = new SqliteStorage({ path: join(dir.path, "outside.db") });
      return {
        storage,
        dispose: async () => {
          await storage.close();
          await dir.remove();
        },
      };
    },
  },
];

const rowName = (id: string, mode: FeedMode) => `order/outside/${id}/${mode}`;

function outsideRow(backend: Backend, mode: FeedMode): BenchRow {
  return {
    name: rowName(backend.id, mode),
    label: `${backend.title}, 500 users, ${mode === "seq" ? "one at a time" : "waves in flight"}`,
    unit: "µs/update",
    async measure(context) {
      const users = makeUsers(context.size(500, 20));
      const { storage, dispose } = await backend.open();
      try {
        const bot = outsideBot(storage && { storage, lock: new MemoryLock() });
        const total = users.length * TEXTS_PER_USER;
        const timing = await driveTexts(bot.feed, users, total, mode);
        await bot.close();
        expectCount("replies sent", bot.sent(), total);
        return perUpdate(timing, total);
      } finally {
        await dispose();
      }
    },
  };
}

const MODES: readonly FeedMode[] = ["seq", "par"];

/** The rows of users in no flow. */
export const outsideRows: readonly BenchRow[] = MODES.flatMap((mode) =>
  backends.map((backend) => outsideRow(backend, mode)),
);

/** Each backend's bot with the flow over the bot without it (target ≤ 1.1×). */
export const outsideFigures: readonly Figure[] = MODES.flatMap((mode) =>
  ["memory", "sqlite"].map((id) =>
    ratio(
      `outside ${id}/none ${mode}`,
      `users in no flow: /order installed on ${id} over no flow installed`,
      rowName(id, mode),
      rowName("none", mode),
      { op: "<=", value: 1.1 },
    ),
  ),
);
