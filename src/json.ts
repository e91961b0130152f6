/**
 * Plain JSON values, and the check that refuses anything else before it is stored.
 *
 * @module
 */
import { NonJsonValueError } from "./errors.js";

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A plain JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(segments: readonly (string | number)[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else path += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function describeObject(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== "string" || name === "") return "an object with a foreign prototype";
  return name === "Date" || name === "Map" || name === "Set"
    ? `a ${name}`
    : `an instance of ${name}`;
}

/** What is wrong with a non-object value, or `undefined` when it is valid JSON. */
function describeScalar(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : String(value);
    case "bigint":
      return `a BigInt (${value}n)`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return undefined;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype) return true;
  // A prototype whose own prototype is null is some realm's Object.prototype (or a null-prototype
  // chain): plain. Anything deeper is a class instance, a Map, a Date...
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Walks the value once. `segments` is the path to `value`; it is turned into a string only when
 * something is wrong, so valid values cost no string building.
 */
function check(value: unknown, segments: (string | number)[], ancestors: object[]): void {
  if (value === null) return;
  if (typeof value !== "object") {
    const problem = describeScalar(value);
    if (problem !== undefined) throw new NonJsonValueError(formatPath(segments), problem);
    return;
  }
  // `ancestors` is the path from the root, as long as the nesting is deep: a linear search over
  // it beats a Set's hashing. Only ancestors count: a shared, non-circular reference is fine.
  if (ancestors.includes(value)) {
    throw new NonJsonValueError(formatPath(segments), "a circular reference");
  }
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      segments.push(i);
      // Inside an array, JSON.stringify would turn undefined into null: refuse it instead.
      check(value[i], segments, ancestors);
      segments.pop();
    }
  } else {
    if (!isPlainObject(value))
      throw new NonJsonValueError(formatPath(segments), describeObject(value));
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      // An undefined property is simply absent in JSON, as with optional properties.
      if (item === undefined) continue;
      segments.push(key);
      check(item, segments, ancestors);
      segments.pop();
    }
  }
  ancestors.pop();
}

/**
 * Throws {@link NonJsonValueError} unless `value` is plain JSON: `null`, booleans, finite numbers,
 * strings, arrays and plain objects of those. Properties whose value is `undefined` are allowed
 * (JSON leaves them out); `undefined` anywhere else, `NaN`, `Infinity`, BigInts, functions,
 * symbols, Dates, Maps, Sets, class instances and cycles are refused, naming the path.
 *
 * @example
 * ```ts
 * assertJson({ cart: [{ at: new Date() }] });
 * // NonJsonValueError: Cannot store a Date at $.cart[0].at: values must be plain JSON. ...
 * ```
 */
export function assertJson(value: unknown): asserts value is JsonValue {
  check(value, [], []);
}

/** Checks `value` with {@link assertJson} and returns its JSON text. */
export function toJsonText(value: unknown): string {
  assertJson(value);
  return JSON.stringify(value);
}
