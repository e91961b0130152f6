/**
 * Starts a real redis-server on a free loopback port for a test file, and stops it after.
 * Without redis-server a suite may skip only outside CI, and says why; in CI it fails.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** A new client connected to this server; closed by `stop()`. */
  client(): Redis;
  /** Removes every key (between tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why Redis suites skip here, or `undefined` when they run. Throws in CI without Redis. */
export function redisSkipReason(): string | undefined {
  if (hasRedisServer()) return undefined;
  if (process.env.CI) {
    throw new Error("redis-server is required in CI: .ci/run installs it with apt-get.");
  }
  const reason = "redis-server is not installed (apt-get install redis-server); Redis suites skip";
  console.warn(`colloquy tests: ${reason}`);
  return reason;
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Resolves once `child`, a starting redis-server, accepts connections. */
export async function waitReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

/** Starts a throwaway redis-server (no persistence) on 127.0.0.1. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitReady(child);
  const clients: Redis[] = [];
  const admin = new Redis({ port, host: "127.0.0.1", lazyConnect: false });
  clients.push(admin);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const client = new Redis({ port, host: "127.0.0.1" });
      clients.push(client);
      return client;
    },
    async flush() {
      await admin.flushall();
    },
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** What {@link useRedisServer} gives a test file: the server and one client, once started. */
export interface RedisForTests {
  /** Why Redis suites skip here, or `undefined` when they run. */
  readonly skip: string | undefined;
  readonly server: () => RedisServer;
  readonly client: () => Redis;
}

/**
 * Starts a redis-server for the calling test file (beforeAll) and stops it (afterAll), unless
 * Redis suites skip here; read the server and its client through the returned getters.
 */
export function useRedisServer(): RedisForTests {
  const skip = redisSkipReason();
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    if (skip !== undefined) return;
    server = await startRedisServer();
    client = server.client();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error("The Redis server is not started yet (use it in tests).");
    return value;
  };
  return { skip, server: () => started(server), client: () => started(client) };
}
