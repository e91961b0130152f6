import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "colloquy";
import { SqliteStorage } from "colloquy/sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openStorage } from "../../examples/demo/storage.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "colloquy-demo-storage-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the demo's STORAGE setting", () => {
  it("defaults to SQLite in the data directory", async () => {
    const opened = await openStorage(undefined, join(dir, "data"));
    expect(opened.storage).toBeInstanceOf(SqliteStorage);
    await opened.storage.set("k", { v: 1 });
    await opened.close();
    const again = await openStorage(`sqlite:${join(dir, "data", "demo.db")}`, dir);
    expect(await again.storage.get("k")).toEqual({ v: 1 });
    await again.close();
  });

  it("warns and keeps state in memory when SQLite cannot open", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await writeFile(join(dir, "not-a-dir"), "");
    const opened = await openStorage(`sqlite:${join(dir, "not-a-dir", "demo.db")}`, dir);
    expect(opened.storage).toBeInstanceOf(MemoryStorage);
    expect(String(warn.mock.calls[0]?.[0])).toContain("keeping state in memory");
    warn.mockRestore();
    await opened.close();
  });

  it("refuses an unknown storage with the accepted forms", async () => {
    await expect(openStorage("mongodb://x", dir)).rejects.toThrow(
      /sqlite:PATH, memory:, file:DIR or redis:/,
    );
  });
});
