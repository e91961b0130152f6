import { InvalidArgumentError, UnknownStepError } from "../errors.js";
import { assertJson, type JsonValue } from "../json.js";

/**
 * A reference to a registered step, as storage keeps it: the step's name and JSON arguments. A
 * registered {@link Step} is one too (with no arguments).
 */
export interface StepRef {
  readonly name: string;
  readonly args?: readonly JsonValue[];
}

/** A handler registered under a name; `args` are the JSON arguments bound when it was referenced. */
export type StepHandler<C, A extends unknown[]> = (ctx: C, ...args: A) => unknown;

/** What {@link StepRegistry.register} returns: the step's name, and a way to bind arguments. */
export interface Step<A extends unknown[]> {
  readonly name: string;
  /** A reference to this step with `args` bound, to store as a back step or a next step. */
  with(...args: A): StepRef;
}

/** Checks a stored step reference, returning it in its canonical form, or `undefined`. */
export function parseStepRef(raw: unknown): StepRef | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const { name, args } = raw as { name?: unknown; args?: unknown };
  if (typeof name !== "string" || (args !== undefined && !Array.isArray(args))) return undefined;
  return args === undefined || args.length === 0 ? { name } : { name, args };
}

/**
 * Handlers by name, so that storage holds only names and JSON arguments and never code. A stored
 * name is looked up here and nowhere else (no property access, no module lookup): a name that was
 * not registered, even `"constructor"` or `"__proto__"`, raises `UnknownStepError`.
 *
 * @example
 * ```ts
 * const steps = new StepRegistry<Context>();
 * const askAge = steps.register("askAge", async (ctx, name: string) => {
 *   await ctx.reply(`How old are you, ${name}?`);
 * });
 * await state.setState(key, "age", { back: askAge.with("Ann") });
 * // later, on "Back":
 * const current = await state.getState(key);
 * if (current?.back) await steps.run(current.back, ctx);
 * ```
 */
export class StepRegistry<C = unknown> {
  readonly #handlers = new Map<string, StepHandler<C, unknown[]>>();

  /** Registers `handler` under `name`, which must be new. */
  register<A extends unknown[] = []>(name: string, handler: StepHandler<C, A>): Step<A> {
    if (typeof name !== "string" || name === "") {
      throw new InvalidArgumentError("name", "a non-empty string", name);
    }
    if (this.#handlers.has(name)) {
      throw new InvalidArgumentError("name", "a name not registered yet", name);
    }
    this.#handlers.set(name, handler as StepHandler<C, unknown[]>);
    return { name, with: (...args) => this.ref(name, ...args) };
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /** The registered names, in registration order. */
  get names(): string[] {
    return [...this.#handlers.keys()];
  }

  /**
   * A reference to the step `name` with `args` bound; throws `UnknownStepError` now, rather than
   * when it is run, if no such step is registered, and `NonJsonValueError` if an argument is not
   * plain JSON.
   */
  ref(name: string, ...args: unknown[]): StepRef {
    this.#handler(name);
    assertJson(args);
    return args.length === 0 ? { name } : { name, args };
  }

  /** Checks that `ref` names a registered step, throwing `UnknownStepError` if not. */
  check(ref: StepRef): void {
    this.#handler(ref.name);
  }

  /** Runs the step `ref` names with its bound arguments, returning what the handler returns. */
  async run(ref: StepRef | string, ctx: C): Promise<unknown> {
    const { name, args = [] } = typeof ref === "string" ? { name: ref } : ref;
    return await this.#handler(name)(ctx, ...args);
  }

  #handler(name: string): StepHandler<C, unknown[]> {
    const handler = this.#handlers.get(name);
    if (handler === undefined) throw new UnknownStepError(name, this.names);
    return handler;
  }
}
