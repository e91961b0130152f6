/**
 * States for {@link runStates}: each state's `run` does one step of a conversation and returns the
 * state to run next, or {@link exit} to end.
 *
 * @module
 */
import type { Io } from "../io.js";

// Registered with Symbol.for so an exit made by one copy of colloquy is recognised by another.
const EXIT: unique symbol = Symbol.for("colloquy.io.exit") as never;

/** The end of a run of states, carrying the value {@link runStates} resolves with. */
export interface Exit<R = void> {
  readonly [EXIT]: true;
  readonly value: R;
}

/**
 * One step of a conversation. A state is an object with `run` (a class instance, or a literal
 * made by a function that closes over what the step needs); `run` talks through `io` and returns
 * the next state — itself to repeat, another, or {@link exit}. `signal` aborts when the run is
 * cancelled: pass it on to work that is not Io (a `fetch`, a timer). The Io given to `run`
 * already carries the signal.
 *
 * @example
 * ```ts
 * const askName = (): State => ({
 *   name: "askName",
 *   async run(io) {
 *     const name = await io.input("What is your name?");
 *     if (name.trim() === "") return askName();
 *     await io.print(`Hello, ${name}!`);
 *     return exit();
 *   },
 * });
 * ```
 */
export interface State<R = void> {
  /** Shown in error messages about this state. */
  readonly name?: string;
  /** Does this step through `io`; returns the state to run next, or {@link exit}'s value to end. */
  run(io: Io, signal: AbortSignal): Promise<State<R> | Exit<R>> | State<R> | Exit<R>;
}

/**
 * Ends {@link runStates}: return `exit()` (or `exit(value)`, which `runStates` resolves with) from
 * a state's `run`. It is a returned value, not a thrown one, so a broad `catch` cannot swallow it.
 */
export function exit(): Exit<void>;
export function exit<R>(value: R): Exit<R>;
export function exit<R>(value?: R): Exit<R | undefined> {
  return { [EXIT]: true, value };
}

/** Whether `value` was made by {@link exit}. */
export function isExit(value: unknown): value is Exit<unknown> {
  return typeof value === "object" && value !== null && EXIT in value;
}
