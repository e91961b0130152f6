import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capture } from "./capture.js";
import { InvalidArgumentError } from "./errors.js";
import { UpdateFactory } from "./testing/updates.js";

const updates = new UpdateFactory({ from: { id: 7, is_bot: false, first_name: "Nick" } });

describe("capture", () => {
  it("matches nested partial objects by literal equality", () => {
    const fromChat7 = capture({ message: { chat: { id: 7 } } });
    expect(fromChat7(updates.text("hi"))).toBe(true);
    expect(fromChat7(new UpdateFactory().text("hi"))).toBe(false);
    expect(fromChat7(updates.press("x", 1))).toBe(false);
  });

  it("takes predicates, RegExps and `_` for the whole object at a level", () => {
    const digits = capture({ message: { text: (t) => /^\d+$/.test(t) } });
    expect(digits(updates.text("42"))).toBe(true);
    expect(digits(updates.text("4x"))).toBe(false);
    const hello = capture({ message: { text: /^hello/i } });
    expect(hello(updates.text("Hello there"))).toBe(true);
    const nick = capture({ message: { _: (m) => m.from?.first_name.startsWith("Nick") === true } });
    expect(nick(updates.text("x"))).toBe(true);
    expect(capture({ _: (u) => u.update_id > 0 })(updates.text("x"))).toBe(true);
  });

  it("requires every listed field", () => {
    const both = capture({ message: { text: /^\d+$/, chat: { id: 8 } } });
    expect(both(updates.text("42"))).toBe(false);
  });

  it("reads arrays as any-of, at the top (telepot's list of captures) and below", () => {
    const textOrPress = capture([{ message: { text: "a" } }, { callback_query: { data: "b" } }]);
    expect(textOrPress(updates.text("a"))).toBe(true);
    expect(textOrPress(updates.press("b", 1))).toBe(true);
    expect(textOrPress(updates.text("b"))).toBe(false);
    const aOrB = capture({ message: { text: ["a", /^b/] } });
    expect(aOrB(updates.text("bee"))).toBe(true);
    expect(aOrB(updates.text("c"))).toBe(false);
  });

  it("matches inside lists by position and length", () => {
    const command = capture({ message: { entities: { 0: { type: "bot_command" }, length: 1 } } });
    expect(command(updates.command("/start"))).toBe(true);
    expect(command(updates.text("/start"))).toBe(false);
  });

  it("never matches an absent field, and never calls a predicate with undefined", () => {
    const seen: unknown[] = [];
    const anyText = capture({ message: { text: (text) => seen.push(text) > 0 } });
    expect(anyText(updates.message({ photo: [] }))).toBe(false);
    expect(seen).toEqual([]);
  });

  it("restarts global RegExps on every test", () => {
    const g = capture<{ s: string }>({ s: /a/g });
    expect([g({ s: "a" }), g({ s: "a" }), g({ s: "a" })]).toEqual([true, true, true]);
  });

  it("refuses undefined in criteria, naming where", () => {
    const criteria = { message: { text: undefined } } as never;
    expect(() => capture(criteria)).toThrow(InvalidArgumentError);
    expect(() => capture(criteria)).toThrow(/criteria\.message\.text/);
  });

  it("rejects misspelled fields and wrong literal types at compile time", () => {
    // @ts-expect-error: Update has no `mesage`.
    capture({ mesage: {} });
    // @ts-expect-error: chat ids are numbers.
    capture({ message: { chat: { id: "7" } } });
  });
});

/**
 * A template that the value fits: some of its fields, each as a literal, predicate or RegExp. A
 * field named `_` is left out: in criteria that key is the whole-object predicate.
 */
function templateOf(value: unknown, keep: (path: string) => number, path = "$"): unknown {
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([k]) => k !== "_" && keep(`${path}.${k}`) > 0);
    return Object.fromEntries(entries.map(([k, v]) => [k, templateOf(v, keep, `${path}.${k}`)]));
  }
  switch (keep(`${path}=`)) {
    case 0:
      return (v: unknown) => v === value;
    case 1:
      return typeof value === "string" ? new RegExp(`^${escapeRegExp(value)}$`) : value;
    default:
      return [() => false, value];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const json = fc.jsonValue({ maxDepth: 4 });

describe("capture (properties)", () => {
  it("a value fits any template drawn from itself", () => {
    fc.assert(
      fc.property(json, fc.func(fc.nat(2)), (value, keep) => {
        return capture<unknown>(templateOf(value, keep) as never)(value);
      }),
    );
  });

  it("a list of criteria matches exactly when one of them does", () => {
    fc.assert(
      fc.property(json, json, json, fc.func(fc.nat(2)), (a, b, value, keep) => {
        const ta = templateOf(a, keep) as never;
        const tb = templateOf(b, keep) as never;
        const either = capture<unknown>([ta, tb] as never)(value);
        return either === (capture<unknown>(ta)(value) || capture<unknown>(tb)(value));
      }),
    );
  });

  it("changing a leaf that the template names breaks the match", () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(fc.string(), leaf, { minKeys: 1 }), leaf, (record, other) => {
        const [key, old] = Object.entries(record)[0] ?? [];
        fc.pre(key !== undefined && old !== other);
        const changed = Object.fromEntries([...Object.entries(record), [key as string, other]]);
        return !capture<unknown>(Object.fromEntries([[key, old]]) as never)(changed);
      }),
    );
  });
});
