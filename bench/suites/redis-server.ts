/**
 * A real redis-server for the rows that need one: each measurement starts its own on a free
 * loopback port (untimed, about a tenth of a second) and stops it before it returns, so no
 * repetition sees an earlier one's keys and nothing is left running when the bench ends.
 * Without redis-server on the PATH those rows are left out, and the run says so once.
 *
 * @module
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";
import { type RedisServer, startRedisServer } from "../../test/support/redis-server.js";

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Why rows on Redis are left out of this run, or `undefined` when they run. */
export const redisSkipReason: string | undefined = onPath("redis-server")
  ? undefined
  : "redis-server is not on the PATH (apt-get install redis-server)";

const warned = new Set<string>();

/**
 * The rows given when Redis is available; otherwise none, after printing (once per `what`) that
 * they are skipped and why.
 */
export function ifRedis<T>(what: string, rows: readonly T[]): readonly T[] {
  if (redisSkipReason === undefined) return rows;
  if (!warned.has(what)) {
    warned.add(what);
    console.error(`bench: skipping ${what}: ${redisSkipReason}`);
  }
  return [];
}

/** Runs `fn` with a fresh redis-server, and stops the server however `fn` ends. */
export async function withRedis<T>(fn: (server: RedisServer) => Promise<T>): Promise<T> {
  const server = await startRedisServer();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** A connection to the Redis on `port` that counts the commands it sends. */
export function countingClient(port: number) {
  const client = new Redis({ port, host: "127.0.0.1" });
  let commands = 0;
  const send = client.sendCommand;
  client.sendCommand = (...args) => {
    commands++;
    return send.apply(client, args);
  };
  return { client, commands: () => commands };
}
