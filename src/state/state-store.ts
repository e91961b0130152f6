import { InvalidArgumentError } from "../errors.js";
import { assertJson, type JsonObject } from "../json.js";
import type { Storage } from "../storage.js";
import { assertDurationMs, assertPositiveInteger } from "../validate.js";
import { type StateRecord, without } from "./record.js";
import { ScopeEntries, type TtlChoice } from "./scope-entries.js";
import type { StepRef, StepRegistry } from "./steps.js";

/**
 * A state: its name, or an enum-like object with a `name` (a registered step, a node), stored by
 * name. A TypeScript string enum member is a string already; for a numeric enum pass
 * `MyEnum[value]`, its name.
 */
export type StateName<S extends string = string> = S | { readonly name: S };

/** What {@link StateStore.getState} returns. */
export interface StateSnapshot<S extends string = string> {
  readonly state: S;
  /** The step to run on "back", if one was stored; run it with `StepRegistry.run`. */
  readonly back?: StepRef;
  /** The chat the state is bound to, if it was set with one. */
  readonly chatId?: number;
}

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  /**
   * Put before every scope key. Bots that share a storage must use different prefixes (include
   * the bot id: `` `bot${bot.botInfo.id}:state:` ``), or they read each other's states.
   * Default: `"colloquy:state:"`.
   */
  readonly prefix?: string;
  /** Default time to live of a scope's state and data, restarted by each `setState`. */
  readonly ttlMs?: number;
  /** Expire a scope this long after its last access, read or write; wins over `ttlMs`. */
  readonly idleTtlMs?: number;
  /** When given, `back` and next steps must name steps registered here, checked on write. */
  readonly steps?: Pick<StepRegistry, "check">;
  /** How many times a write retries after a concurrent change before it fails. Default: 10. */
  readonly maxAttempts?: number;
}

/** Options of {@link StateStore.setState}. */
export interface SetStateOptions {
  /** The step to go back to from this state. */
  readonly back?: StepRef | string;
  /** Bind the state to a chat, for filters such as "in state X in this chat". */
  readonly chatId?: number;
  /** Time to live of this state and its data. */
  readonly ttlMs?: number;
}

/** Options of writes that may set a time to live. */
export interface StateWriteOptions {
  readonly ttlMs?: number;
}

const KEEP: TtlChoice = { restart: false };

/**
 * Named states with a data bag per scope (a user, or a user in a chat), on any {@link Storage}:
 * aiostep's state storage, made safe for several instances. Every change is a compare-and-set of
 * the scope's one entry, retried on conflict, so no concurrent update is lost.
 *
 * Time to live: a per-call `ttlMs` wins; otherwise `idleTtlMs` restarts on every access, reads
 * included; otherwise `setState` restarts the store's `ttlMs` (no expiry without one), and other
 * writes keep the expiry the scope has, so a merge never drops or extends it.
 *
 * @example
 * ```ts
 * const state = new StateStore(new MemoryStorage(), { prefix: "bot1:state:", idleTtlMs: 600_000 });
 * await state.setState("user:7", "askName", { chatId: 7 });
 * await state.updateData("user:7", { name: "Ann" });
 * const current = await state.getState("user:7"); // { state: "askName", chatId: 7 }
 * ```
 */
export class StateStore<S extends string = string> {
  readonly #entries: ScopeEntries;
  readonly #steps: Pick<StepRegistry, "check"> | undefined;

  constructor(storage: Storage, options: StateStoreOptions = {}) {
    const { ttlMs, idleTtlMs, maxAttempts = 10 } = options;
    if (ttlMs !== undefined) assertDurationMs("ttlMs", ttlMs);
    if (idleTtlMs !== undefined) assertDurationMs("idleTtlMs", idleTtlMs);
    assertPositiveInteger("maxAttempts", maxAttempts);
    const prefix = options.prefix ?? "colloquy:state:";
    this.#entries = new ScopeEntries(storage, { prefix, ttlMs, idleTtlMs, maxAttempts });
    this.#steps = options.steps;
  }

  /** Puts the scope in `state`, replacing its state, back step and chat; data is kept. */
  async setState(key: string, state: StateName<S>, options: SetStateOptions = {}): Promise<void> {
    const name = typeof state === "string" ? state : state?.name;
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("state", "a non-empty name or an object with one", state);
    }
    const back = options.back === undefined ? undefined : this.#stepRef(options.back);
    const fields: StateRecord = {
      state: name,
      ...(back !== undefined && { back }),
      ...(options.chatId !== undefined && { chatId: options.chatId }),
    };
    await this.#entries.modify(key, { ttlMs: options.ttlMs, restart: true }, (current) => [
      { ...without(current, "state", "back", "chatId"), ...fields },
      undefined,
    ]);
  }

  /** The scope's state, back step and chat, or `undefined` when it has no state. */
  async getState(key: string): Promise<StateSnapshot<S> | undefined> {
    const record = await this.#entries.read(key);
    return record === undefined ? undefined : (snapshot(record) as StateSnapshot<S> | undefined);
  }

  /** Removes the scope's state (its data stays) and returns what it was. */
  async deleteState(key: string): Promise<StateSnapshot<S> | undefined> {
    return await this.#entries.modify(key, KEEP, (current) => [
      without(current, "state", "back", "chatId"),
      snapshot(current) as StateSnapshot<S> | undefined,
    ]);
  }

  /** Replaces the scope's data. */
  async setData(key: string, data: object, options: StateWriteOptions = {}): Promise<void> {
    assertDataObject(data);
    await this.#entries.modify(key, { ttlMs: options.ttlMs, restart: false }, (current) => [
      { ...current, data },
      undefined,
    ]);
  }

  /** A copy of the scope's data, or `undefined` when it has none. */
  async getData<T extends object = JsonObject>(key: string): Promise<T | undefined> {
    return (await this.#entries.read(key))?.data as T | undefined;
  }

  /**
   * Merges `patch` (or what `patch(current)` returns) into the scope's data, shallowly, and returns
   * the result. A property set to `undefined` is removed. Retried on a concurrent change, so a
   * function patch may run more than once and should only compute.
   */
  async updateData<T extends object = JsonObject>(
    key: string,
    patch: object | ((current: T | undefined) => object),
    options: StateWriteOptions = {},
  ): Promise<T> {
    return await this.#entries.modify(key, { ttlMs: options.ttlMs, restart: false }, (current) => {
      const changes = typeof patch === "function" ? patch(current.data as T | undefined) : patch;
      assertDataObject(changes);
      // The round trip drops properties set to undefined, so the result is what is stored.
      const data = JSON.parse(JSON.stringify({ ...current.data, ...changes }));
      return [{ ...current, data }, data as T];
    });
  }

  /** Removes the scope's data (its state stays) and returns what it was. */
  async deleteData<T extends object = JsonObject>(key: string): Promise<T | undefined> {
    return await this.#entries.modify(key, KEEP, (current) => [
      without(current, "data"),
      current.data as T | undefined,
    ]);
  }

  /**
   * Stores `step` as the scope's next step, run on its next update (aiostep's
   * `register_next_step`; `nextStep(ctx, ...)` in `colloquy/grammy` builds on it).
   */
  async setNextStep(
    key: string,
    step: StepRef | string,
    options: StateWriteOptions = {},
  ): Promise<void> {
    const next = this.#stepRef(step);
    await this.#entries.modify(key, { ttlMs: options.ttlMs, restart: false }, (current) => [
      { ...current, next },
      undefined,
    ]);
  }

  /**
   * Removes and returns the scope's next step. Among concurrent callers (several instances) exactly
   * one receives it.
   */
  async takeNextStep(key: string): Promise<StepRef | undefined> {
    return await this.#entries.modify(key, KEEP, (current) => [
      without(current, "next"),
      current.next,
    ]);
  }

  /** Removes everything the scope holds: state, data and next step. */
  async clear(key: string): Promise<void> {
    await this.#entries.delete(key);
  }

  #stepRef(step: StepRef | string): StepRef {
    const name = typeof step === "string" ? step : step?.name;
    const args = typeof step === "string" ? undefined : step.args;
    const ref: StepRef = args === undefined || args.length === 0 ? { name } : { name, args };
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("step", "a step name or a StepRef", step);
    }
    assertJson(ref);
    this.#steps?.check(ref);
    return ref;
  }
}

function assertDataObject(data: unknown): asserts data is JsonObject {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidArgumentError("data", "a plain object", data);
  }
  assertJson(data);
}

function snapshot(record: StateRecord): StateSnapshot | undefined {
  if (record.state === undefined) return undefined;
  return {
    state: record.state,
    ...(record.back !== undefined && { back: record.back }),
    ...(record.chatId !== undefined && { chatId: record.chatId }),
  };
}
