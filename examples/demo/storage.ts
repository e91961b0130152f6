/**
 * The demo's storage, chosen by `STORAGE`: `sqlite:PATH` (default `<data dir>/demo.db`),
 * `memory:`, `file:DIR` or `redis://host:port/db`.
 */
import { join } from "node:path";
import {
  type Coordinator,
  createCoordinator,
  type Lock,
  MemoryLock,
  MemoryStorage,
  type Storage,
} from "colloquy";

/** An opened storage, the lock that goes with it, and what to close with them. */
export interface DemoStorage {
  readonly storage: Storage;
  /** In-process for the embedded storages; Redis when the storage is Redis, shared by instances. */
  readonly lock: Lock;
  /** Per-update claims for webhook mode: in-process, or on Redis so instances form one bot. */
  readonly coordinator: Coordinator;
  /** The Redis URL when the storage is Redis: coordination, locks and cross-instance asks use it. */
  readonly redisUrl?: string;
  close(): Promise<void>;
}

/**
 * Opens the storage that `spec` names; warns and falls back to memory if SQLite cannot load.
 * Shared backends (Redis) put `botId` in every key, so bots that share one server never collide.
 */
export async function openStorage(
  spec: string | undefined,
  dataDir: string,
  botId = "local",
): Promise<DemoStorage> {
  const chosen = spec ?? `sqlite:${join(dataDir, "demo.db")}`;
  if (chosen === "memory:") return inMemory();
  if (chosen.startsWith("sqlite:")) return openSqlite(chosen.slice("sqlite:".length));
  if (chosen.startsWith("file:")) {
    const { FileStorage } = await import("colloquy/file");
    const storage = new FileStorage({ dir: chosen.slice("file:".length) });
    return {
      storage,
      lock: new MemoryLock(),
      coordinator: createCoordinator(),
      close: () => storage.close(),
    };
  }
  if (chosen.startsWith("redis://") || chosen.startsWith("rediss://")) {
    const [{ Redis }, { RedisCoordinator, RedisLock, RedisStorage }] = await Promise.all([
      import("ioredis"),
      import("colloquy/redis"),
    ]);
    const client = new Redis(chosen);
    const storage = new RedisStorage({ client, prefix: `colloquy-demo:${botId}:` });
    return {
      storage,
      lock: new RedisLock({ client, prefix: `colloquy-demo:${botId}:lock:` }),
      coordinator: new RedisCoordinator({ client }),
      redisUrl: chosen,
      close: async () => {
        await storage.close();
        await client.quit();
      },
    };
  }
  throw new Error(
    `STORAGE=${chosen} is not a storage. Use sqlite:PATH, memory:, file:DIR or redis://host:port/db.`,
  );
}

function inMemory(): DemoStorage {
  const storage = new MemoryStorage();
  return {
    storage,
    lock: new MemoryLock(),
    coordinator: createCoordinator(),
    close: () => storage.close(),
  };
}

async function openSqlite(path: string): Promise<DemoStorage> {
  try {
    const { mkdir } = await import("node:fs/promises");
    const { dirname } = await import("node:path");
    await mkdir(dirname(path), { recursive: true });
    const { SqliteStorage } = await import("colloquy/sqlite");
    const storage = new SqliteStorage({ path });
    return {
      storage,
      lock: new MemoryLock(),
      coordinator: createCoordinator(),
      close: () => storage.close(),
    };
  } catch (error) {
    console.warn(
      `colloquy demo: SQLite is not available (${error instanceof Error ? error.message : error}); ` +
        "keeping state in memory, so it is lost when the bot stops.",
    );
    return inMemory();
  }
}
