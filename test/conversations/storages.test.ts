/**
 * The durable-conversation suite on every Storage backend: memory, SQLite (a temp file), files (a
 * temp directory) and Redis (a real redis-server on a free port). A restart is a new bot, plugin
 * and conversation, and for the backends that outlive a process a new storage object too, on the
 * same file, directory or server. The key counts are read from the backend itself.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Update } from "@grammyjs/types";
import Database from "better-sqlite3";
import { type BridgedEntry, fromGrammyStorage, type Storage } from "colloquy";
import { FileStorage } from "colloquy/file";
import { RedisStorage } from "colloquy/redis";
import { SqliteStorage } from "colloquy/sqlite";
import { UpdateFactory } from "colloquy/testing";
import { MemorySessionStorage } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStorage } from "../../src/storages/memory.js";
import { useRedisServer } from "../support/redis-server.js";
import { tempDir } from "../support/temp-dir.js";
import { restartable } from "./harness.js";

/** One backend under test, made afresh for each test. */
interface Backend {
  /** A storage object on the backend, as a new process opens it (memory: the same one). */
  open(): Storage;
  /** Every key the backend holds, read from the backend itself (not through `Storage`). */
  keys(): Promise<string[]>;
  /** Removes what the backend left (files, Redis keys); the storages are closed by then. */
  dispose?(): Promise<void>;
}

const ann = { id: 7, is_bot: false, first_name: "Ann" };
/** The head of a conversation's journal for Ann, under the harness's bot (id 424242). */
const headKey = (id: string) => `colloquy:conv:424242:${id}:chat:7/user:7`;

/**
 * A keyed MemoryStorage: it offers only its size, so the keys are those ever written that it
 * still holds, and the size is checked against them.
 */
class ListedMemoryStorage extends MemoryStorage {
  readonly written = new Set<string>();
  override set(...args: Parameters<MemoryStorage["set"]>) {
    this.written.add(args[0]);
    return super.set(...args);
  }
  override compareAndSet(...args: Parameters<MemoryStorage["compareAndSet"]>) {
    this.written.add(args[0]);
    return super.compareAndSet(...args);
  }
  async keys(): Promise<string[]> {
    const held: string[] = [];
    for (const key of this.written) if ((await this.getEntry(key)) !== undefined) held.push(key);
    expect(held).toHaveLength(this.size);
    return held;
  }
}

/**
 * The suite: `make` gives a fresh, empty backend for each test. Call it at the top level of the
 * file, once per backend.
 */
function conversationsOn(
  name: string,
  make: () => Promise<Backend>,
  options: { skip?: string } = {},
): void {
  const title = options.skip === undefined ? name : `${name} (skipped: ${options.skip})`;
  describe.skipIf(options.skip !== undefined)(`durable conversations on ${title}`, () => {
    let backend: Backend;
    const opened: Storage[] = [];
    const open = () => {
      const storage = backend.open();
      opened.push(storage);
      return storage;
    };
    const keys = async () => (await backend.keys()).sort();

    beforeEach(async () => {
      backend = await make();
    });
    afterEach(async () => {
      for (const storage of opened.splice(0)) await storage.close();
      await backend.dispose?.();
    });

    /** A four-step trip planner that keeps the message ids it got and whether it replayed. */
    const trip = () => {
      const seen: { what: string; id: number; replaying: boolean }[] = [];
      let runs = 0;
      const setup = restartable(
        "trip",
        async (conv, ctx) => {
          runs++;
          const note = await ctx.reply("Planning a trip.");
          seen.push({ what: "note", id: note.message_id, replaying: conv.replaying });
          const from = await conv.ask("From?");
          const to = await conv.ask("To?");
          const code = await conv.external(() => "T1", "code");
          const days = await conv.ask("How many days?");
          const summary = await days.reply(
            `${code}: ${from.message?.text} to ${to.message?.text}, ${days.message?.text} days`,
          );
          seen.push({ what: "summary", id: summary.message_id, replaying: conv.replaying });
        },
        { storage: open() },
      );
      return { setup, seen, runs: () => runs };
    };
    const answers = ["Oslo", "Rome", "5"];
    const expected = [
      "Planning a trip.",
      "From?",
      "To?",
      "How many days?",
      "T1: Oslo to Rome, 5 days",
    ];

    it("runs a conversation live: one key per step while it waits, none once it ended", async () => {
      const { setup, seen } = trip();
      const { bot, calls } = setup.start();
      const user = new UpdateFactory({ from: ann });
      await bot.handleUpdate(user.command("/trip"));
      const counts = [(await keys()).length];
      expect(await keys()).toEqual([headKey("trip")]);
      for (const answer of answers.slice(0, 2)) {
        await bot.handleUpdate(user.text(answer));
        counts.push((await keys()).length);
      }
      // The head, then one segment per later step, named after the head and the run.
      const run = ((await setup.storage.get(headKey("trip"))) as { run: string }).run;
      expect(await keys()).toEqual([
        headKey("trip"),
        `${headKey("trip")}#${run}:2`,
        `${headKey("trip")}#${run}:3`,
      ]);
      await bot.handleUpdate(user.text("5"));
      expect(counts).toEqual([1, 2, 3]);
      expect(setup.sent()).toEqual(expected);
      expect(calls()).toBe(5);
      expect(seen.every((s) => !s.replaying)).toBe(true);
      expect(await keys()).toEqual([]);
      await bot.handleUpdate(user.text("later"));
      expect(setup.sent().at(-1)).toBe("fallthrough: later");
      expect(setup.errors).toEqual([]);
    });

    it("recovers after a restart at a middle step: replay sends nothing, the ids are the same", async () => {
      const { setup, seen, runs } = trip();
      const user = new UpdateFactory({ from: ann });
      const first = setup.start();
      await first.bot.handleUpdate(user.command("/trip"));
      await first.bot.handleUpdate(user.text("Oslo"));
      expect(setup.sent()).toEqual(expected.slice(0, 3));

      // A new process: new bot, plugin, conversation and storage object on the same backend.
      const second = setup.start({ storage: open() });
      await second.bot.handleUpdate(user.text("Rome"));
      // "Planning a trip.", "From?" and "To?" came from the journal: only the next prompt went out.
      expect(second.calls()).toBe(1);
      expect(runs()).toBe(2);
      expect(seen[1]).toEqual({ what: "note", id: seen[0]?.id, replaying: true });
      expect(setup.sent()).toEqual(expected.slice(0, 4));
      // The second update after the recovery is live: no replay.
      await second.bot.handleUpdate(user.text("5"));
      expect(runs()).toBe(2);
      expect(second.calls()).toBe(2);
      expect(setup.sent()).toEqual(expected);
      expect(seen[2]).toMatchObject({ what: "summary", replaying: false });
      expect(await keys()).toEqual([]);
      expect(setup.errors).toEqual([]);
    });

    it("recovers at every step, one restart per update, and sends each message once", async () => {
      const { setup, runs } = trip();
      const user = new UpdateFactory({ from: ann });
      await setup.start().bot.handleUpdate(user.command("/trip"));
      const replayCalls: number[] = [];
      for (const answer of answers) {
        const next = setup.start({ storage: open() });
        await next.bot.handleUpdate(user.text(answer));
        replayCalls.push(next.calls());
      }
      expect(setup.sent()).toEqual(expected);
      expect(replayCalls).toEqual([1, 1, 1]);
      expect(runs()).toBe(4);
      expect(await keys()).toEqual([]);
      expect(setup.errors).toEqual([]);
    });

    it("exit ends it live or journaled only; active tells both", async () => {
      const { setup } = trip();
      const user = new UpdateFactory({ from: ann });
      const seen: boolean[] = [];
      const install = (storage?: Storage) =>
        setup.start({
          ...(storage === undefined ? {} : { storage }),
          before: (bot, handle) => {
            bot.command("active", async (ctx) => {
              seen.push(await handle.active(ctx));
            });
            bot.command("stop", async (ctx) => {
              seen.push(await handle.exit(ctx));
            });
          },
        });
      const first = install();
      await first.bot.handleUpdate(user.command("/active"));
      await first.bot.handleUpdate(user.command("/trip"));
      await first.bot.handleUpdate(user.command("/active"));
      await first.bot.handleUpdate(user.command("/stop"));
      await first.bot.handleUpdate(user.command("/active"));
      await first.bot.handleUpdate(user.command("/stop"));
      expect(seen).toEqual([false, true, true, false, false]);
      expect(await keys()).toEqual([]);

      await first.bot.handleUpdate(user.command("/trip"));
      await first.bot.handleUpdate(user.text("Oslo"));
      expect(await keys()).toHaveLength(2);
      const second = install(open());
      await second.bot.handleUpdate(user.command("/active"));
      await second.bot.handleUpdate(user.command("/stop"));
      await second.bot.handleUpdate(user.command("/active"));
      expect(seen.slice(5)).toEqual([true, true, false]);
      expect(await keys()).toEqual([]);
      await second.bot.handleUpdate(user.text("Rome"));
      expect(setup.sent().at(-1)).toBe("fallthrough: Rome");
      expect(setup.errors).toEqual([]);
    });

    it("continueAsNew keeps the keys bounded: each round's segments are gone after it", async () => {
      const setup = restartable(
        "tally",
        async (conv, _ctx, total: number | undefined) => {
          const a = await conv.waitFor("message:text");
          const b = await conv.waitFor("message:text");
          const sum = (total ?? 0) + Number(a.message.text) + Number(b.message.text);
          await b.reply(`total ${sum}`);
          return conv.continueAsNew(sum);
        },
        { storage: open(), command: "tally" },
      );
      const user = new UpdateFactory({ from: ann });
      let incarnation = setup.start();
      await incarnation.bot.handleUpdate(user.command("/tally"));
      const rounds = 30;
      const runIds: string[] = [];
      let most = 0;
      for (let round = 1; round <= rounds; round++) {
        if (round % 10 === 0) incarnation = setup.start({ storage: open() });
        await incarnation.bot.handleUpdate(user.text("1"));
        const head = (await setup.storage.get(headKey("tally"))) as { run: string };
        runIds.push(head.run);
        // Mid-round: the head and the segment of the second wait.
        expect(await keys()).toEqual([headKey("tally"), `${headKey("tally")}#${head.run}:2`]);
        await incarnation.bot.handleUpdate(user.text("2"));
        most = Math.max(most, (await keys()).length);
      }
      expect(setup.sent().at(-1)).toBe(`total ${3 * rounds}`);
      expect(new Set(runIds).size).toBe(rounds);
      // Between rounds only the new run's head is left: no segment of any earlier run.
      expect(await keys()).toEqual([headKey("tally")]);
      for (const run of runIds) {
        expect(await setup.storage.get(`${headKey("tally")}#${run}:2`)).toBeUndefined();
      }
      expect(most).toBe(1);
      expect(setup.errors).toEqual([]);
    });

    it("leaves no key however a conversation ends", async () => {
      const setup = restartable(
        "ends",
        async (conv, ctx) => {
          await ctx.reply("How should it end?");
          await conv.waitFor("message:text");
          const how = await conv.waitFor("message:text");
          const text = how.message.text;
          if (text === "halt") await conv.halt();
          if (text === "again") return conv.continueAsNew(null);
          if (text === "loop") for (;;) await conv.waitFor("message:text");
          if (text === "throw") throw new Error("broken");
        },
        { storage: open(), command: "ends", maxSteps: 4 },
      );
      const user = new UpdateFactory({ from: ann });
      const { bot } = setup.start({
        before: (b, handle) => b.command("stop", (ctx) => handle.exit(ctx)),
        after: (b) => b.command("help", (ctx) => ctx.reply("help")),
      });
      const left: Record<string, string[]> = {};
      const end = async (name: string, ...updates: (() => Update)[]) => {
        await bot.handleUpdate(user.command("/ends"));
        await bot.handleUpdate(user.text("ready"));
        expect(await keys()).toHaveLength(2);
        for (const update of updates) await bot.handleUpdate(update());
        left[name] = await keys();
      };
      await end("return", () => user.text("return"));
      await end("halt", () => user.text("halt"));
      await end("throw", () => user.text("throw"));
      await end("exit", () => user.command("/stop"));
      await end("command", () => user.command("/help"));
      await end("maxSteps", ...Array.from({ length: 3 }, () => () => user.text("loop")));
      // continueAsNew then a plain return: the first run's keys go, then the second run's.
      await end(
        "continueAsNew",
        () => user.text("again"),
        () => user.text("ready"),
        () => user.text("return"),
      );
      expect(left).toEqual({
        return: [],
        halt: [],
        throw: [],
        exit: [],
        command: [],
        maxSteps: [],
        continueAsNew: [],
      });
      expect(setup.errors.map((e) => (e as Error).name)).toEqual([
        "Error",
        "ListenerCancelledError",
        "StepLimitError",
      ]);
    });
  });
}

/**
 * A storage whose every operation takes a turn of the event loop, as real I/O does, and that can
 * die with its process: after `kill()` nothing reaches the storage beneath, not even operations
 * already started. A new incarnation on `inner` then sees what a restarted process would.
 */
class CrashableStorage implements Storage {
  readonly inner: Storage;
  #dead = false;
  constructor(inner: Storage) {
    this.inner = inner;
  }
  kill(): void {
    this.#dead = true;
  }
  async #io<T>(op: (storage: Storage) => Promise<T>): Promise<T> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#dead) return new Promise<T>(() => {});
    return op(this.inner);
  }
  get: Storage["get"] = (key) => this.#io((s) => s.get(key));
  getEntry: Storage["getEntry"] = (key) => this.#io((s) => s.getEntry(key));
  set: Storage["set"] = (...a) => this.#io((s) => s.set(...a));
  delete: Storage["delete"] = (key) => this.#io((s) => s.delete(key));
  compareAndSet: Storage["compareAndSet"] = (...a) => this.#io((s) => s.compareAndSet(...a));
  compareAndDelete: Storage["compareAndDelete"] = (...a) =>
    this.#io((s) => s.compareAndDelete(...a));
  touch: Storage["touch"] = (...a) => this.#io((s) => s.touch(...a));
  close = async (): Promise<void> => {};
}

describe("a handled update is durable: a process killed once it was handled loses nothing", () => {
  const steps = async (
    fn: Parameters<typeof restartable>[1],
    updates: ((u: UpdateFactory) => Update)[],
    killAfter: number,
  ) => {
    const inner = new MemoryStorage();
    const dying = new CrashableStorage(inner);
    const setup = restartable("steps", fn, { storage: dying });
    const user = new UpdateFactory({ from: ann });
    const first = setup.start({
      after: (bot) => bot.command("help", (ctx) => ctx.reply("help")),
    });
    for (const update of updates.slice(0, killAfter)) await first.bot.handleUpdate(update(user));
    dying.kill();
    const second = setup.start({
      storage: inner,
      after: (bot) => bot.command("help", (ctx) => ctx.reply("help")),
    });
    for (const update of updates.slice(killAfter)) await second.bot.handleUpdate(update(user));
    return { setup, inner };
  };

  it("after any step of a conversation", async () => {
    const fn: Parameters<typeof restartable>[1] = async (conv) => {
      const a = await conv.ask("A?");
      const b = await conv.ask("B?");
      await b.reply(`${a.message?.text}${b.message?.text}`);
    };
    const updates = [
      (u: UpdateFactory) => u.command("/steps"),
      (u: UpdateFactory) => u.text("a"),
      (u: UpdateFactory) => u.text("b"),
      (u: UpdateFactory) => u.text("after"),
    ];
    for (let killAfter = 1; killAfter <= 3; killAfter++) {
      const { setup, inner } = await steps(fn, updates, killAfter);
      expect(setup.sent()).toEqual(["A?", "B?", "ab", "fallthrough: after"]);
      expect(inner.size).toBe(0);
      expect(setup.errors).toEqual([]);
    }
  });

  // A command that ends a conversation's wait (the plugin's bypass) is done only when the
  // conversation removed its journal: killed right after, the next process has nothing to recover.
  it("after a command that ended the conversation's wait", async () => {
    const fn: Parameters<typeof restartable>[1] = async (conv) => {
      await conv.ask("A?");
      await conv.ask("B?");
    };
    const { setup, inner } = await steps(
      fn,
      [
        (u) => u.command("/steps"),
        (u) => u.text("a"),
        (u) => u.command("/help"),
        (u) => u.text("x"),
      ],
      3,
    );
    expect(setup.sent()).toEqual(["A?", "B?", "help", "fallthrough: x"]);
    expect(inner.size).toBe(0);
  });
});

conversationsOn("MemoryStorage", async () => {
  const storage = new ListedMemoryStorage();
  return { open: () => storage, keys: () => storage.keys() };
});

conversationsOn(
  "a grammY storage adapter (fromGrammyStorage over MemorySessionStorage)",
  async () => {
    const adapter = new MemorySessionStorage<BridgedEntry>();
    return {
      // A new bridge per process over the same adapter, as over a shared database.
      open: () => fromGrammyStorage(adapter),
      keys: async () => adapter.readAllKeys(),
    };
  },
);

conversationsOn("SqliteStorage (a temp file)", async () => {
  const dir = await tempDir("conv-sqlite");
  const path = join(dir.path, "bot.db");
  return {
    open: () => new SqliteStorage({ path }),
    keys: async () => {
      const db = new Database(path, { readonly: true });
      try {
        return db
          .prepare<[], { key: string }>("SELECT key FROM colloquy_entries")
          .all()
          .map((row) => row.key);
      } finally {
        db.close();
      }
    },
    dispose: () => dir.remove(),
  };
});

conversationsOn("FileStorage (a temp directory)", async () => {
  const dir = await tempDir("conv-file");
  return {
    open: () => new FileStorage({ dir: dir.path }),
    keys: async () => {
      const names = (await readdir(dir.path)).filter((n) => n.endsWith(".json"));
      return Promise.all(
        names.map(
          async (n) =>
            (JSON.parse(await readFile(join(dir.path, n), "utf8")) as { key: string }).key,
        ),
      );
    },
    dispose: () => dir.remove(),
  };
});

const redis = useRedisServer();
conversationsOn(
  "RedisStorage (a real redis-server)",
  async () => {
    await redis.server().flush();
    const prefix = "conv-test:";
    return {
      // A new client per storage object, as a new process would connect.
      open: () => new RedisStorage({ client: redis.server().client(), prefix }),
      keys: async () =>
        (await redis.client().keys(`${prefix}*`)).map((key) => key.slice(prefix.length)),
    };
  },
  redis.skip === undefined ? {} : { skip: redis.skip },
);
