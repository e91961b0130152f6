import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { SqliteStorage } from "../../src/storages/sqlite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { testStorage } from "../../src/testing/storage-suite.js";

const tempDir = () => mkdtemp(join(tmpdir(), "colloquy-sqlite-"));

testStorage("SqliteStorage", async () => {
  const clock = new ManualClock();
  const dir = await tempDir();
  return {
    storage: new SqliteStorage({ path: join(dir, "test.db"), clock }),
    advance: (ms) => clock.advance(ms),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("SqliteStorage", () => {
  let dir: string;
  let path: string;
  let clock: ManualClock;
  let storage: SqliteStorage;

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, "test.db");
    clock = new ManualClock();
    storage = new SqliteStorage({ path, clock, sweepIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rowCount = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM colloquy_entries").get()?.n;
    } finally {
      db.close();
    }
  };

  it("runs in WAL mode", () => {
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("deletes expired rows every sweepIntervalMs through the clock", async () => {
    await storage.set("old", 1, { ttlMs: 1000 });
    await storage.set("kept", 2);
    clock.advance(59_000);
    expect(rowCount()).toBe(2);
    clock.advance(1_000);
    expect(rowCount()).toBe(1);
    expect(await storage.get("kept")).toBe(2);
    expect(clock.pendingTimers).toBe(1);
    await storage.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses a bad sweepIntervalMs before opening the database", () => {
    const other = join(dir, "other.db");
    expect(() => new SqliteStorage({ path: other, sweepIntervalMs: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(existsSync(other)).toBe(false);
  });

  it("keeps entries and versions across a reopen", async () => {
    const version = await storage.set("k", { n: 1 });
    await storage.close();
    storage = new SqliteStorage({ path, clock });
    expect(await storage.getEntry("k")).toEqual({ value: { n: 1 }, version });
  });

  it("makes compareAndSet atomic across two connections to one file", async () => {
    const other = new SqliteStorage({ path, clock });
    const version = await storage.set("k", 0);
    const results = [
      await storage.compareAndSet("k", version, "mine"),
      await other.compareAndSet("k", version, "theirs"),
    ];
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(await other.get("k")).toBe("mine");
    await other.close();
  });
});
