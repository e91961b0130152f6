import type { Clock } from "../clock.js";
import { InvalidArgumentError, NonJsonValueError } from "../errors.js";
import type { History, HistoryLimits, HistoryRecord } from "../history.js";
import { vitest } from "./vitest.js";

/** A fresh, empty history for one test, and the means to move its time. */
export interface HistoryUnderTest {
  readonly history: History;
  /** The clock the history stamps records with. */
  readonly clock: Clock;
  /**
   * Moves the history's time forward by `ms`: its clock, and for a storage that keeps its own time
   * (Redis), the remaining TTLs. The suite keeps a second or more around each deadline.
   */
  advance(ms: number): void | Promise<void>;
  /** Runs after each test, e.g. to close a storage or remove a temporary directory. */
  dispose?(): void | Promise<void>;
}

/** Options of {@link testHistory}. */
export interface TestHistoryOptions {
  /** When set, the suite is skipped and this reason is shown in its name. */
  readonly skip?: string | undefined;
}

const scope = "chat:7/user:7";
const minute = 60_000;
const day = 24 * 60 * minute;
const steps = (records: readonly HistoryRecord[]) => records.map((r) => r.step);

/**
 * Registers a vitest suite that checks a {@link History} backend against the contract: stack
 * order, back at the first step, the bound (default 20), the TTL (default one day, restarted by
 * writes), separate scopes, copies, JSON checks and concurrent pushes. `factory` runs before each
 * test with the limits that test needs (empty for the defaults) and gives a fresh, empty history.
 * Option validation is each backend's own business, tested beside it.
 *
 * @example
 * ```ts
 * import { ManualClock, testHistory } from "colloquy/testing";
 *
 * testHistory("MemoryHistory", (limits) => {
 *   const clock = new ManualClock();
 *   return { history: new MemoryHistory({ ...limits, clock }), clock, advance: (ms) => clock.advance(ms) };
 * });
 * ```
 */
export function testHistory(
  name: string,
  factory: (limits: HistoryLimits) => HistoryUnderTest | Promise<HistoryUnderTest>,
  options: TestHistoryOptions = {},
): void {
  const { afterEach, describe, expect, it } = vitest("testHistory");
  const title = options.skip === undefined ? name : `${name} (skipped: ${options.skip})`;
  describe.skipIf(options.skip !== undefined)(`History contract: ${title}`, () => {
    let subject: HistoryUnderTest | undefined;
    const open = async (limits: HistoryLimits = {}) => {
      subject = await factory(limits);
      return subject;
    };
    const pushAll = async (history: History, names: readonly string[], at = scope) => {
      for (const step of names) await history.push(at, { step });
    };

    afterEach(async () => {
      await subject?.dispose?.();
      subject = undefined;
    });

    it("starts empty: peek, pop and back give undefined, list gives []", async () => {
      const { history } = await open();
      expect(await history.peek(scope)).toBeUndefined();
      expect(await history.pop(scope)).toBeUndefined();
      expect(await history.back(scope)).toBeUndefined();
      expect(await history.list(scope)).toEqual([]);
    });

    it("pushes records stamped with the clock, and peeks at the latest", async () => {
      const { history, clock } = await open();
      const at = clock.now();
      const pushed = await history.push(scope, { step: "email", data: { tries: 1 } });
      expect(pushed).toEqual({ step: "email", data: { tries: 1 }, at });
      expect(await history.push(scope, { step: "age" })).toEqual({ step: "age", data: null, at });
      expect(await history.peek(scope)).toEqual({ step: "age", data: null, at });
      expect(await history.list(scope)).toEqual([pushed, { step: "age", data: null, at }]);
    });

    it("pops in last-in, first-out order, then gives undefined", async () => {
      const { history } = await open();
      await pushAll(history, ["a", "b", "c"]);
      expect((await history.pop(scope))?.step).toBe("c");
      expect((await history.pop(scope))?.step).toBe("b");
      expect((await history.pop(scope))?.step).toBe("a");
      expect(await history.pop(scope)).toBeUndefined();
      expect(await history.list(scope)).toEqual([]);
    });

    it("goes back to the previous record with its data, and stays at the first step", async () => {
      const { history } = await open();
      await history.push(scope, { step: "email" });
      await history.push(scope, { step: "age", data: { email: "ann@example.com" } });
      await history.push(scope, { step: "city", data: { email: "ann@example.com", age: 30 } });
      const back = await history.back(scope);
      expect(back).toMatchObject({ step: "age", data: { email: "ann@example.com" } });
      expect(await history.peek(scope)).toEqual(back);
      expect((await history.back(scope))?.step).toBe("email");
      expect(await history.back(scope)).toBeUndefined();
      expect(steps(await history.list(scope))).toEqual(["email"]);
    });

    it("keeps the latest 20 records by default, dropping the oldest", async () => {
      const { history } = await open();
      const names = Array.from({ length: 25 }, (_, i) => `s${i}`);
      await pushAll(history, names);
      expect(steps(await history.list(scope))).toEqual(names.slice(5));
    });

    it("keeps at most maxRecords records", async () => {
      const { history } = await open({ maxRecords: 3 });
      await pushAll(history, ["a", "b", "c", "d", "e"]);
      expect(steps(await history.list(scope))).toEqual(["c", "d", "e"]);
      expect((await history.back(scope))?.step).toBe("d");
      expect((await history.back(scope))?.step).toBe("c");
      expect(await history.back(scope)).toBeUndefined();
    });

    it("forgets a scope ttlMs after its last write, not before", async () => {
      const { history, advance } = await open({ ttlMs: 10 * minute });
      await history.push(scope, { step: "a" });
      await advance(6 * minute);
      await history.push(scope, { step: "b" });
      await advance(6 * minute);
      expect(steps(await history.list(scope))).toEqual(["a", "b"]);
      await advance(3 * minute);
      await history.pop(scope);
      await advance(9 * minute);
      expect((await history.peek(scope))?.step).toBe("a");
      await advance(2 * minute);
      expect(await history.peek(scope)).toBeUndefined();
      expect(await history.back(scope)).toBeUndefined();
    });

    it("forgets a scope after one day by default, and starts afresh after that", async () => {
      const { history, advance } = await open();
      await history.push(scope, { step: "a" });
      await advance(day - minute);
      expect((await history.peek(scope))?.step).toBe("a");
      await advance(2 * minute);
      expect(await history.list(scope)).toEqual([]);
      await history.push(scope, { step: "b" });
      expect(steps(await history.list(scope))).toEqual(["b"]);
    });

    it("keeps scopes apart, and clear forgets only its own", async () => {
      const { history } = await open();
      await pushAll(history, ["a", "b"]);
      await pushAll(history, ["x"], "chat:7/user:8");
      await history.clear(scope);
      await history.clear("never-used");
      expect(await history.list(scope)).toEqual([]);
      expect(steps(await history.list("chat:7/user:8"))).toEqual(["x"]);
    });

    it("stores copies: changing pushed or returned data changes nothing stored", async () => {
      const { history } = await open();
      const data = { cart: ["tea"] };
      const pushed = await history.push(scope, { step: "cart", data });
      data.cart.push("milk");
      pushed.data.cart.push("sugar");
      const peeked = await history.peek<{ cart: string[] }>(scope);
      peeked?.data.cart.push("honey");
      for (const record of await history.list(scope))
        (record.data as { cart: string[] }).cart.pop();
      expect((await history.peek(scope))?.data).toEqual({ cart: ["tea"] });
    });

    it("refuses non-JSON data, an empty step and an empty scope, writing nothing", async () => {
      const { history } = await open();
      const bad = history.push(scope, { step: "s", data: { at: new Date(0) } as never });
      await expect(bad).rejects.toBeInstanceOf(NonJsonValueError);
      await expect(bad).rejects.toMatchObject({ path: "$.at" });
      await expect(history.push(scope, { step: "" })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(history.push("", { step: "s" })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(history.peek("")).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await history.list(scope)).toEqual([]);
    });

    it("loses no push when many run at once", async () => {
      const { history } = await open();
      const names = Array.from({ length: 15 }, (_, i) => `s${i}`);
      await Promise.all(names.map((step) => history.push(scope, { step })));
      expect(steps(await history.list(scope)).sort()).toEqual([...names].sort());
    });
  });
}
