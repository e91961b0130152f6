import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileAdapter } from "@grammyjs/storage-file";
import { Bot, type Context, MemorySessionStorage, type SessionFlavor, session } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { NonJsonValueError } from "../../src/errors.js";
import { fromGrammyStorage, toGrammyStorage } from "../../src/storages/grammy-bridge.js";
import { MemoryStorage } from "../../src/storages/memory.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { testStorage } from "../../src/testing/storage-suite.js";
import { UpdateFactory } from "../../src/testing/updates.js";

testStorage("fromGrammyStorage(@grammyjs/storage-file)", async () => {
  const clock = new ManualClock();
  const dir = await mkdtemp(join(tmpdir(), "colloquy-grammy-file-"));
  return {
    storage: fromGrammyStorage(new FileAdapter({ dirName: dir }), { clock }),
    advance: (ms) => clock.advance(ms),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

testStorage("fromGrammyStorage(MemorySessionStorage)", () => {
  const clock = new ManualClock();
  return {
    storage: fromGrammyStorage(new MemorySessionStorage(), { clock }),
    advance: (ms) => clock.advance(ms),
  };
});

describe("fromGrammyStorage", () => {
  it("removes an expired entry from the adapter when it is read", async () => {
    const clock = new ManualClock();
    const adapter = new MemorySessionStorage();
    const storage = fromGrammyStorage(adapter, { clock });
    await storage.set("k", 1, { ttlMs: 1000 });
    expect(adapter.read("k")).toMatchObject({ value: 1, expiresAt: clock.now() + 1000 });
    clock.advance(1000);
    expect(await storage.get("k")).toBeUndefined();
    expect(adapter.has("k")).toBe(false);
  });

  it("refuses data it did not write instead of misreading it", async () => {
    const adapter = new MemorySessionStorage<unknown>();
    adapter.write("k", { count: 1 });
    await expect(fromGrammyStorage(adapter).get("k")).rejects.toThrow(/colloquy did not write/);
  });
});

describe("toGrammyStorage", () => {
  type SessionContext = Context & SessionFlavor<{ count: number; at?: unknown }>;

  const botWithSession = (storage: MemoryStorage) => {
    const bot = new Bot<SessionContext>("0:test", {
      botInfo: { id: 1, is_bot: true, first_name: "Test", username: "test_bot" } as UserFromGetMe,
    });
    bot.use(session({ initial: () => ({ count: 0 }), storage: toGrammyStorage(storage) }));
    return bot;
  };

  it("serves as grammY session() storage", async () => {
    const storage = new MemoryStorage();
    const bot = botWithSession(storage);
    bot.on("message", (ctx) => {
      ctx.session.count++;
    });
    const updates = new UpdateFactory();
    await bot.handleUpdate(updates.text("one"));
    await bot.handleUpdate(updates.text("two"));
    expect(await storage.get("1")).toEqual({ count: 2 });
  });

  it("fails a session write holding a Date, naming the path", async () => {
    const bot = botWithSession(new MemoryStorage());
    bot.on("message", (ctx) => {
      ctx.session.at = new Date();
    });
    const failure = await bot.handleUpdate(new UpdateFactory().text("hi")).catch((e) => e);
    expect(failure.error).toBeInstanceOf(NonJsonValueError);
    expect(failure.error.path).toBe("$.at");
  });

  it("expires sessions after ttlMs", async () => {
    const clock = new ManualClock();
    const adapter = toGrammyStorage<number>(new MemoryStorage({ clock }), { ttlMs: 1000 });
    await adapter.write("k", 1);
    clock.advance(1000);
    expect(await adapter.read("k")).toBeUndefined();
  });
});
