import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NonJsonValueError } from "../../src/errors.js";
import { assertJson, toJsonText } from "../../src/json.js";

const pathOf = (value: unknown): string | undefined => {
  try {
    assertJson(value);
    return undefined;
  } catch (error) {
    if (error instanceof NonJsonValueError) return error.path;
    throw error;
  }
};

describe("assertJson", () => {
  it("accepts every JSON value, and its text round-trips", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(toJsonText(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("accepts shared (non-circular) references, null prototypes and objects of another realm", () => {
    const shared = { n: 1 };
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(() => assertJson({ a: shared, b: [shared, shared], bare })).not.toThrow();
    expect(() => assertJson(runInNewContext("({ list: [{ a: 1 }] })"))).not.toThrow();
  });

  it("leaves out properties whose value is undefined, as JSON does", () => {
    expect(toJsonText({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it("names the path of the first offending value", () => {
    expect(pathOf({ cart: [{ at: new Date() }] })).toBe("$.cart[0].at");
    expect(pathOf({ "a b": { 0: 1n } })).toBe('$["a b"]["0"]');
    const holey = [1];
    holey[2] = 3; // holey[1] is a hole, which reads as undefined
    expect(pathOf(holey)).toBe("$[1]");
    expect(pathOf({ url: new URL("https://example.org") })).toBe("$.url");
    expect(pathOf(-0)).toBeUndefined();
  });

  it("says what it found and what to do", () => {
    expect(() => assertJson({ at: new Date() })).toThrow(
      /Cannot store a Date at \$\.at: values must be plain JSON\. Convert it first/,
    );
    expect(() => assertJson({ n: 5n })).toThrow(/a BigInt \(5n\)/);
    class Cart {}
    expect(() => assertJson({ c: new Cart() })).toThrow(/an instance of Cart/);
  });
});
