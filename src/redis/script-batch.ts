/**
 * Many calls of one Lua script as one `EVALSHA`. Under load a coordinator claims hundreds of
 * updates in one turn of the event loop; sent one by one, each costs Redis a command and Node a
 * socket write, which is most of what coordination costs. Batched, they share both, and each call
 * still gets its own result.
 *
 * @module
 */
import type { Redis } from "ioredis";
import { LuaScript } from "./lua-script.js";

/**
 * The Lua of a script that runs `body` (written against `KEYS` and `ARGV` as usual) once per call,
 * for calls packed as `keysPerCall` keys and `argsPerCall` arguments each, and answers the list of
 * the calls' results in order. The body's `KEYS[n]` and `ARGV[n]` are rewritten to index from the
 * call's own offset, so a call costs Redis no tables of its own: the body may index them only with
 * number literals. A call that fails answers its error in its place and the others go on, as they
 * would have run as scripts of their own; a call that returns nothing answers `null`.
 */
export function batchedLua(body: string, keysPerCall: number, argsPerCall: number): string {
  const offsetBody = body
    .replace(/KEYS\[(\d+)\]/g, "KEYS[k + $1]")
    .replace(/ARGV\[(\d+)\]/g, "ARGV[a + $1]");
  return `
local function call(k, a)
${offsetBody}
end
local results = {}
for i = 0, #KEYS / ${keysPerCall} - 1 do
  local ok, result = pcall(call, i * ${keysPerCall}, i * ${argsPerCall})
  -- A nil would end the list Redis sends back early; false is sent as a null in its place.
  if ok and result == nil then
    results[i + 1] = false
  elseif ok or type(result) == "table" then
    results[i + 1] = result
  else
    results[i + 1] = {err = tostring(result)}
  end
end
return results
`;
}

/** Calls waiting to be sent together: their keys and arguments already packed in order. */
interface Batch {
  readonly keys: string[];
  readonly args: (string | number)[];
  readonly settle: { resolve(result: unknown): void; reject(error: unknown): void }[];
}

/**
 * Collects the calls of one script made on one client until the current turn of the event loop
 * ends (`process.nextTick`, which runs after every promise reaction queued so far), then sends them
 * as one script call per `maxCalls`. A call alone in its turn still costs one round trip; the
 * script runs atomically for the whole batch, so `maxCalls` bounds how long Redis is held.
 */
export class ScriptBatch {
  readonly #client: Redis;
  readonly #script: LuaScript;
  readonly #keysPerCall: number;
  readonly #argsPerCall: number;
  readonly #maxCalls: number;
  /** This turn's batches; the last one is being filled. */
  #batches: Batch[] = [];

  constructor(
    client: Redis,
    body: string,
    shape: { readonly keys: number; readonly args: number },
    maxCalls = 256,
  ) {
    if (!Number.isInteger(shape.keys) || shape.keys < 1) {
      throw new RangeError(
        `a batched call needs at least one key (calls are counted by their keys), got ${shape.keys}`,
      );
    }
    this.#client = client;
    this.#script = batchedScript(body, shape.keys, shape.args);
    this.#keysPerCall = shape.keys;
    this.#argsPerCall = shape.args;
    this.#maxCalls = maxCalls;
  }

  /** Runs the script's body once with `keys` and `args`, batched with this turn's other calls. */
  call(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (keys.length !== this.#keysPerCall || args.length !== this.#argsPerCall) {
      throw new RangeError(
        `a batched call takes ${this.#keysPerCall} keys and ${this.#argsPerCall} arguments, got ${keys.length} and ${args.length}`,
      );
    }
    let batch = this.#batches.at(-1);
    if (batch === undefined) process.nextTick(() => this.#flush());
    if (batch === undefined || batch.settle.length === this.#maxCalls) {
      batch = { keys: [], args: [], settle: [] };
      this.#batches.push(batch);
    }
    for (const key of keys) batch.keys.push(key);
    for (const arg of args) batch.args.push(arg);
    const { settle } = batch;
    return new Promise((resolve, reject) => settle.push({ resolve, reject }));
  }

  #flush(): void {
    const batches = this.#batches;
    this.#batches = [];
    for (const batch of batches) this.#send(batch);
  }

  #send({ keys, args, settle }: Batch): void {
    this.#script.runPacked(this.#client, keys.length, keys.concat(args as string[])).then(
      (results) => {
        for (const [i, call] of settle.entries()) {
          // A failed call's error comes back in its place (ioredis parses it as an Error).
          const result = (results as unknown[])[i];
          if (result instanceof Error) call.reject(result);
          else call.resolve(result);
        }
      },
      (error: unknown) => {
        for (const call of settle) call.reject(error);
      },
    );
  }
}

/** One LuaScript per batched body and shape, so every batch of it shares the digest. */
const scripts = new Map<string, LuaScript>();

function batchedScript(body: string, keys: number, args: number): LuaScript {
  const source = batchedLua(body, keys, args);
  let script = scripts.get(source);
  if (script === undefined) {
    script = new LuaScript(source);
    scripts.set(source, script);
  }
  return script;
}
