/**
 * µs per storage operation (issue 6): `get`, `set` and `compareAndSet` on every colloquy backend,
 * beside grammY's `MemorySessionStorage` and `@grammyjs/storage-redis` (reads and writes: grammY
 * adapters have no compare-and-set), on the same kind of Redis, in one run.
 *
 * Every row opens a fresh store (a temp directory or file, a fresh redis-server), fills its keys
 * untimed, then times its operations one at a time, each awaited: the latency a handler sees.
 * All backends store the same small session-like value, cycling over the same keys.
 *
 * @module
 */
import { join } from "node:path";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { fromGrammyStorage, type JsonValue, MemoryStorage, type Storage } from "colloquy";
import { FileStorage } from "colloquy/file";
import { RedisStorage } from "colloquy/redis";
import { SqliteStorage } from "colloquy/sqlite";
import { MemorySessionStorage } from "grammy";
import { Redis } from "ioredis";
import { tempDir } from "../../test/support/temp-dir.js";
import { ratio } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure, MeasureContext } from "../harness/types.js";
import type { Timing } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";
import { ifRedis, withRedis } from "./redis-server.js";

/** What every row stores: a user's place in a flow with a small cart, ~130 bytes of JSON. */
const VALUE = {
  node: "hungry",
  data: { order: ["Pizza", "Salad", "Lemonade"] },
  back: ["start"],
  appVersion: 0,
  user: { id: 1_000_001, first_name: "User1" },
} satisfies JsonValue;

/** Distinct keys a row cycles over, unless its backend says otherwise (or runs fewer ops). */
const KEYS = 1000;
const keyOf = (i: number) => `bench:user:${1_000_000 + i}`;

/** A store opened for one row, and how to dispose of it. */
interface Opened<S> {
  readonly store: S;
  close(): Promise<void>;
}

/** How a row gets its store: with the Redis server it started, if it needs one. */
type Opener<S> = (redisPort: number | undefined) => Promise<Opened<S>>;

/** The grammY `StorageAdapter` calls the peers are measured on. */
interface GrammyAdapter {
  read(key: string): unknown;
  write(key: string, value: JsonValue): unknown;
}

interface Backend<S> {
  /** The row name's middle part: `storage/${id}/get`. */
  readonly id: string;
  readonly title: string;
  /** Operations per row at full size, so that each row takes a tenth of a second or two. */
  readonly ops: number;
  /** Distinct keys the operations cycle over; default {@link KEYS}. */
  readonly keys?: number;
  readonly redis?: boolean;
  readonly open: Opener<S>;
}

function redisClient(port: number | undefined): Redis {
  if (port === undefined) throw new Error("bench: this row needs a redis-server");
  return new Redis({ port, host: "127.0.0.1" });
}

const colloquyBackends: readonly Backend<Storage>[] = [
  {
    id: "memory",
    title: "colloquy MemoryStorage",
    ops: 20_000,
    open: async () => {
      const store = new MemoryStorage();
      return { store, close: () => store.close() };
    },
  },
  {
    id: "bridge",
    title: "colloquy fromGrammyStorage(MemorySessionStorage)",
    ops: 20_000,
    open: async () => {
      const store = fromGrammyStorage(new MemorySessionStorage());
      return { store, close: () => store.close() };
    },
  },
  {
    id: "file",
    title: "colloquy FileStorage (temp dir, fsync per write)",
    // Every write is an fsync (milliseconds on most disks); filling the keys is one per key.
    ops: 100,
    keys: 20,
    open: async () => {
      const dir = await tempDir("bench");
      const store = new FileStorage({ dir: dir.path });
      return {
        store,
        close: async () => {
          await store.close();
          await dir.remove();
        },
      };
    },
  },
  {
    id: "sqlite",
    title: "colloquy SqliteStorage (temp file, WAL)",
    ops: 3000,
    open: async () => {
      const dir = await tempDir("bench");
      const store = new SqliteStorage({ path: join(dir.path, "bench.db") });
      return {
        store,
        close: async () => {
          await store.close();
          await dir.remove();
        },
      };
    },
  },
  {
    id: "redis",
    title: "colloquy RedisStorage",
    ops: 2000,
    redis: true,
    open: async (port) => {
      const client = redisClient(port);
      const store = new RedisStorage({ client, prefix: "colloquy:" });
      return {
        store,
        close: async () => {
          await store.close();
          await client.quit();
        },
      };
    },
  },
];

const peerBackends: readonly Backend<GrammyAdapter>[] = [
  {
    id: "grammy-memory",
    title: "grammY MemorySessionStorage",
    ops: 20_000,
    open: async () => ({ store: new MemorySessionStorage<JsonValue>(), close: async () => {} }),
  },
  {
    id: "grammy-redis",
    title: "@grammyjs/storage-redis RedisAdapter",
    ops: 2000,
    redis: true,
    open: async (port) => {
      const client = redisClient(port);
      const store = new RedisAdapter<JsonValue>({ instance: client });
      return { store, close: () => client.quit().then(() => undefined) };
    },
  },
];

/** Awaits `op(0)`, …, `op(n - 1)` one after another and times them all. */
async function timeOps(n: number, op: (i: number) => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Opens the backend's store (with a fresh redis-server if it needs one), runs `fn`, closes. */
async function withStore<S, R>(backend: Backend<S>, fn: (store: S) => Promise<R>): Promise<R> {
  const run = async (port: number | undefined) => {
    const opened = await backend.open(port);
    try {
      return await fn(opened.store);
    } finally {
      await opened.close();
    }
  };
  return backend.redis ? withRedis((server) => run(server.port)) : run(undefined);
}

/** Operations and distinct keys of one repetition. */
function sizes(backend: Backend<unknown>, context: MeasureContext) {
  const ops = context.size(backend.ops, Math.min(backend.ops / 5, 200));
  return { ops, keys: Math.min(backend.keys ?? KEYS, ops) };
}

type ColloquyOp = "get" | "set" | "cas";

const OP_TITLES: Record<ColloquyOp, string> = {
  get: "get",
  set: "set (overwrite, no TTL)",
  cas: "compareAndSet (current version)",
};

function colloquyRow(backend: Backend<Storage>, op: ColloquyOp): BenchRow {
  return {
    name: `storage/${backend.id}/${op}`,
    label: `${backend.title}: ${OP_TITLES[op]}`,
    unit: "µs/op",
    measure: (context) =>
      withStore(backend, async (storage) => {
        const { ops, keys } = sizes(backend, context);
        const versions: number[] = [];
        for (let k = 0; k < keys; k++) versions.push(await storage.set(keyOf(k), VALUE));
        let done = 0;
        let timing: Timing;
        if (op === "get") {
          timing = await timeOps(ops, async (i) => {
            if ((await storage.get(keyOf(i % keys))) !== undefined) done++;
          });
        } else if (op === "set") {
          timing = await timeOps(ops, async (i) => {
            if ((await storage.set(keyOf(i % keys), VALUE)) > 0) done++;
          });
        } else {
          timing = await timeOps(ops, async (i) => {
            const k = i % keys;
            const result = await storage.compareAndSet(keyOf(k), versions[k] ?? 0, VALUE);
            if (result.ok) {
              versions[k] = result.version;
              done++;
            }
          });
        }
        expectCount(`successful ${op}s`, done, ops);
        return perUpdate(timing, ops);
      }),
  };
}

type PeerOp = "get" | "set";

function peerRow(backend: Backend<GrammyAdapter>, op: PeerOp): BenchRow {
  return {
    name: `storage/${backend.id}/${op}`,
    label: `${backend.title}: ${op === "get" ? "read" : "write"}`,
    unit: "µs/op",
    measure: (context) =>
      withStore(backend, async (adapter) => {
        const { ops, keys } = sizes(backend, context);
        for (let k = 0; k < keys; k++) await adapter.write(keyOf(k), VALUE);
        let done = 0;
        const timing =
          op === "get"
            ? await timeOps(ops, async (i) => {
                if ((await adapter.read(keyOf(i % keys))) !== undefined) done++;
              })
            : await timeOps(ops, async (i) => {
                await adapter.write(keyOf(i % keys), VALUE);
                done++;
              });
        expectCount(`successful ${op}s`, done, ops);
        return perUpdate(timing, ops);
      }),
  };
}

const rowsOf = (backends: readonly Backend<Storage>[]) =>
  backends.flatMap((b) => (["get", "set", "cas"] as const).map((op) => colloquyRow(b, op)));
const peerRowsOf = (backends: readonly Backend<GrammyAdapter>[]) =>
  backends.flatMap((b) => (["get", "set"] as const).map((op) => peerRow(b, op)));

const onRedis = <S>(b: Backend<S>) => b.redis === true;
const local = <S>(b: Backend<S>) => b.redis !== true;
const redisRows = ifRedis("the storage rows on Redis (storage/redis/*, storage/grammy-redis/*)", [
  ...rowsOf(colloquyBackends.filter(onRedis)),
  ...peerRowsOf(peerBackends.filter(onRedis)),
]);

/** Each colloquy backend over its grammY peer, for reads and writes. */
function figures(): Figure[] {
  const pairs: [string, string, string, string][] = [
    ["memory", "grammy-memory", "mem/gm", "MemoryStorage over MemorySessionStorage"],
    ["bridge", "grammy-memory", "bridge/gm", "fromGrammyStorage over the adapter it wraps"],
  ];
  if (redisRows.length > 0) {
    pairs.push(["redis", "grammy-redis", "redis/gr", "RedisStorage over storage-redis"]);
  }
  return pairs.flatMap(([ours, peer, short, label]) =>
    (["get", "set"] as const).map((op) =>
      ratio(
        `${short} ${op}`,
        `${label}, ${op === "get" ? "get/read" : "set/write"}`,
        `storage/${ours}/${op}`,
        `storage/${peer}/${op}`,
      ),
    ),
  );
}

/** µs per get/set/CAS for every backend, and per read/write for the grammY peers. */
export const storageSuite: BenchSuite = {
  name: "storage",
  rows: [
    ...rowsOf(colloquyBackends.filter(local)),
    ...peerRowsOf(peerBackends.filter(local)),
    ...redisRows,
  ],
  figures: figures(),
};
