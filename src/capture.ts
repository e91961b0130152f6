/**
 * Capture criteria (telepot's `Listener.capture`): a template that an update, or any object, either
 * fits or does not, compiled once into a predicate.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { InvalidArgumentError } from "./errors.js";

/** A test of one value; it sees only values that are present (never `undefined`). */
export type CapturePredicate<T> = (value: T) => boolean;

/**
 * What a value must be to match, read by its shape:
 * - a function: a {@link CapturePredicate} on the value;
 * - an array: any of its templates matches (so `[a, b]` at the top is telepot's list of captures);
 * - a `RegExp`: the value is a string it matches;
 * - a plain object: {@link CaptureFields} on the value's properties;
 * - anything else: the value equals it (`===`).
 *
 * A property the value lacks matches nothing but its absence is not an error: `{ text: /x/ }`
 * simply does not match a photo.
 */
export type CaptureCriteria<T> =
  | CapturePredicate<T>
  | CaptureShape<T>
  | readonly CaptureCriteria<T>[];

/** The non-function templates of a value of type `T`; distributes over unions such as `Chat`. */
export type CaptureShape<T> = T extends string
  ? T | RegExp
  : T extends readonly (infer E)[]
    ? CaptureItems<T, E>
    : T extends object
      ? CaptureFields<T>
      : T;

/**
 * A partial template of an object: every listed property must match its template, and `_`, when
 * given, is a predicate on the whole object at this level (so a field that is itself named `_`
 * cannot be selected by name; no Bot API object has one).
 */
export type CaptureFields<T> = {
  readonly [K in keyof T]?: CaptureCriteria<Exclude<T[K], undefined>>;
} & { readonly _?: CapturePredicate<T> };

/** Criteria on a list: templates for single positions, its length, or `_` for the whole list. */
export type CaptureItems<T, E> = {
  readonly [index: number]: CaptureCriteria<E>;
  readonly length?: CaptureCriteria<number>;
  readonly _?: CapturePredicate<T>;
};

/**
 * Compiles capture criteria into a predicate. `T` is the type of what is tested — a Bot API
 * {@link Update} unless given — so misspelled fields and wrong literal types fail to compile.
 *
 * @example
 * ```ts
 * const isDigits = capture({ message: { chat: { id: 12345678 }, text: /^\d+$/ } });
 * const fromNick = capture({ message: { from: { first_name: (name) => name.startsWith("Nick") } } });
 * const either = capture([{ callback_query: {} }, { message: { _: (m) => m.photo !== undefined } }]);
 * isDigits(ctx.update); // true or false
 * ```
 */
export function capture<T = Update>(criteria: CaptureCriteria<NoInfer<T>>): (value: T) => boolean {
  return compile(criteria, "criteria") as (value: T) => boolean;
}

type Matcher = (value: unknown) => boolean;

function compile(template: unknown, path: string): Matcher {
  if (typeof template === "function") {
    const test = template as CapturePredicate<unknown>;
    return (value) => value !== undefined && test(value) === true;
  }
  if (Array.isArray(template)) {
    const options = template.map((t, i) => compile(t, `${path}[${i}]`));
    return (value) => options.some((matches) => matches(value));
  }
  if (template instanceof RegExp) {
    // A global or sticky RegExp remembers where it stopped; each test must start afresh.
    return (value) => {
      if (typeof value !== "string") return false;
      template.lastIndex = 0;
      return template.test(value);
    };
  }
  if (typeof template === "object" && template !== null) {
    return compileObject(template as Record<string, unknown>, path);
  }
  if (template === undefined || typeof template === "symbol") {
    throw new InvalidArgumentError(
      path,
      "a value, a predicate, a RegExp, an array or criteria",
      template,
    );
  }
  return (value) => value === template;
}

function compileObject(criteria: Record<string, unknown>, path: string): Matcher {
  const fields = Object.entries(criteria).map(([key, template]): Matcher => {
    if (key === "_") return compile(template, `${path}._`);
    const matches = compile(template, `${path}.${key}`);
    return (value) =>
      matches(Object.hasOwn(value as object, key) ? (value as never)[key] : undefined);
  });
  return (value) =>
    typeof value === "object" && value !== null && fields.every((matches) => matches(value));
}
