import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileStorage } from "../../src/storages/file.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { testStorage } from "../../src/testing/storage-suite.js";

const tempDir = () => mkdtemp(join(tmpdir(), "colloquy-file-"));

testStorage("FileStorage", async () => {
  const clock = new ManualClock();
  const dir = await tempDir();
  return {
    storage: new FileStorage({ dir, clock }),
    advance: (ms) => clock.advance(ms),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("FileStorage", () => {
  let dir: string;
  let clock: ManualClock;
  let storage: FileStorage;

  beforeEach(async () => {
    dir = await tempDir();
    clock = new ManualClock();
    storage = new FileStorage({ dir: join(dir, "state"), clock, sweepIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps every key's file inside dir, whatever the key", async () => {
    const hostile = ["../escape", "../../etc/passwd", "/abs", "a/b", "CON", ".", "..", "", "a\0b"];
    for (const key of hostile) {
      expect(dirname(storage.pathOf(key))).toBe(storage.dir);
      await storage.set(key, key);
    }
    for (const key of hostile) expect(await storage.get(key)).toBe(key);
    expect(await readdir(dir)).toEqual(["state"]);
    expect(await readdir(storage.dir)).toHaveLength(hostile.length);
  });

  it("keeps expiry and version beside the value, never inside it", async () => {
    await storage.set("k", { name: "Ann" }, { ttlMs: 1000 });
    const file = JSON.parse(await readFile(storage.pathOf("k"), "utf8"));
    expect(file).toEqual({
      key: "k",
      version: expect.any(Number),
      expiresAt: clock.now() + 1000,
      value: { name: "Ann" },
    });
  });

  it("sweeps expired files through the clock, and temp files of dead writers", async () => {
    await storage.set("old", 1, { ttlMs: 1000 });
    await storage.set("kept", 2);
    const orphan = join(storage.dir, `.${"0".repeat(64)}.999999999.0.tmp`);
    await writeFile(orphan, "{ torn");
    clock.advance(60_000);
    await storage.close(); // waits for the sweep the clock started
    expect(await readdir(storage.dir)).toEqual([
      storage.pathOf("kept").slice(storage.dir.length + 1),
    ]);
  });

  it("reports a foreign file instead of misreading it", async () => {
    await writeFile(storage.pathOf("k"), JSON.stringify({ hello: "world" }));
    await expect(storage.get("k")).rejects.toThrow(/not a colloquy FileStorage entry/);
  });
});
