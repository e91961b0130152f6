import type { Redis } from "ioredis";
import type { JsonValue } from "../json.js";
import { toJsonText } from "../json.js";
import { LuaScript } from "../redis/lua-script.js";
import type {
  CompareAndSetResult,
  Storage,
  StorageEntry,
  TouchOptions,
  WriteOptions,
} from "../storage.js";
import { planTtl, ttlMsOf } from "./ttl.js";

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  /** A connected ioredis client. The storage never closes it: its owner does. */
  readonly client: Redis;
  /**
   * Put before every key, so that colloquy's keys stay apart from the application's own and from
   * other applications on the same database. Default: `"colloquy:"`.
   */
  readonly prefix?: string;
}

// Each entry is one string, "<version>:<json>", so a read is a plain GET. The version of a key
// grows with each write and restarts from the server's clock in microseconds when the key is
// created again, so a stale compare-and-set never matches a re-created entry.
const READ_VERSION = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = tonumber(string.sub(current, 1, string.find(current, ':', 1, true) - 1)) end
`;

/** ARGV: expected version ('' for any), ttl mode ('none' | 'px' | 'keep'), ttl ms, json. */
const WRITE = `${READ_VERSION}
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= version then return {0, version} end
local time = redis.call('TIME')
local nextVersion = math.max(version + 1, tonumber(time[1]) * 1000000 + tonumber(time[2]))
local text = string.format('%d', nextVersion) .. ':' .. ARGV[4]
if ARGV[2] == 'px' then redis.call('SET', KEYS[1], text, 'PX', ARGV[3])
elseif ARGV[2] == 'keep' then redis.call('SET', KEYS[1], text, 'KEEPTTL')
else redis.call('SET', KEYS[1], text) end
return {1, nextVersion}
`;

/** ARGV: expected version. */
const DELETE_IF = `${READ_VERSION}
if tonumber(ARGV[1]) ~= version then return 0 end
if current then redis.call('DEL', KEYS[1]) end
return 1
`;

const writeScript = new LuaScript(WRITE);
const deleteIfScript = new LuaScript(DELETE_IF);

/**
 * A Storage on Redis (6.0 or newer) through an ioredis client you pass in: for bots that run as
 * several instances, or that want their state outside the process.
 *
 * - Expiry is Redis's own (`SET ... PX`); merges keep it (`KEEPTTL`).
 * - Every write, and compare-and-set, is one Lua script: one round trip, atomic on the server.
 * - Reads are a plain `GET`; values are stored as `"<version>:<json>"`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisStorage } from "colloquy/redis";
 * const storage = new RedisStorage({ client: new Redis(process.env.REDIS_URL), prefix: "mybot:" });
 * ```
 */
export class RedisStorage implements Storage {
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(options: RedisStorageOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "colloquy:";
  }

  async get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    return (await this.getEntry<T>(key))?.value;
  }

  async getEntry<T extends JsonValue = JsonValue>(
    key: string,
  ): Promise<StorageEntry<T> | undefined> {
    const text = await this.#client.get(this.#prefix + key);
    if (text === null) return undefined;
    const colon = text.indexOf(":");
    return { value: JSON.parse(text.slice(colon + 1)) as T, version: Number(text.slice(0, colon)) };
  }

  async set(key: string, value: unknown, options?: WriteOptions): Promise<number> {
    return (await this.#write(key, "", value, options)).version;
  }

  compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    options?: WriteOptions,
  ): Promise<CompareAndSetResult> {
    return this.#write(key, String(expectedVersion), value, options);
  }

  async delete(key: string): Promise<void> {
    await this.#client.del(this.#prefix + key);
  }

  /** One `DEL` for all of them. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.#client.del(...keys.map((key) => this.#prefix + key));
  }

  async compareAndDelete(key: string, expectedVersion: number): Promise<boolean> {
    return (await this.#run(deleteIfScript, key, [String(expectedVersion)])) === 1;
  }

  async touch(key: string, options: TouchOptions): Promise<boolean> {
    const ttlMs = ttlMsOf("ttlMs", options.ttlMs);
    return (await this.#client.pexpire(this.#prefix + key, ttlMs)) === 1;
  }

  /** Does nothing: the client belongs to the caller, who closes it. */
  async close(): Promise<void> {}

  async #write(
    key: string,
    expected: string,
    value: unknown,
    options: WriteOptions | undefined,
  ): Promise<CompareAndSetResult> {
    const json = toJsonText(value);
    const ttl = planTtl(options);
    const ttlMs = ttl.kind === "expire" ? String(ttl.ms) : "";
    const [ok, version] = (await this.#run(writeScript, key, [
      expected,
      ttl.kind === "expire" ? "px" : ttl.kind,
      ttlMs,
      json,
    ])) as [number, number];
    return { ok: ok === 1, version };
  }

  #run(script: LuaScript, key: string, args: readonly string[]): Promise<unknown> {
    return script.run(this.#client, [this.#prefix + key], args);
  }
}
