/**
 * A Lua script run by its SHA-1 (`EVALSHA`), shared by every Redis backend of colloquy.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A script sent by its digest, so its text travels only when Redis does not know it yet (the first
 * run, or after a restart or `SCRIPT FLUSH`): one round trip in the steady state.
 */
export class LuaScript {
  /** The Lua source. */
  readonly source: string;
  /** Its SHA-1, as `EVALSHA` wants it. */
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script on `client` with `keys` and `args`. */
  run(
    client: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.runPacked(client, keys.length, keys.concat(args as string[]));
  }

  /** Runs the script with `packed`: its `keyCount` keys, then its arguments. */
  runPacked(
    client: Redis,
    keyCount: number,
    packed: readonly (string | number)[],
  ): Promise<unknown> {
    // One array argument: ioredis flattens it, so a batch's thousands of arguments are not spread.
    const values = packed as string[];
    return client.evalsha(this.sha, keyCount, values).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return client.eval(this.source, keyCount, values);
    });
  }
}
