import { InvalidArgumentError } from "../errors.js";
import type { Io } from "../io.js";
import { bindSignal } from "./bind-signal.js";
import { type Exit, isExit, type State } from "./states.js";

/** Options of {@link runStates}. */
export interface RunStatesOptions {
  /**
   * Cancels the run: the Io call in progress rejects, no Io call is made after it, and
   * `runStates` rejects with `signal.reason`.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs states one after another, from `start`, until one returns {@link exit}; resolves with the
 * exit's value. Each state gets `io` bound to the run's signal, so a cancelled run sends nothing
 * more even when a state forgets to pass the signal on. An error thrown by a state (a failed
 * `print`, say) ends the run and rejects with that error.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await runStates(askName(), terminalIo(), { signal: controller.signal });
 * ```
 */
export async function runStates<R>(
  start: State<R>,
  io: Io,
  options: RunStatesOptions = {},
): Promise<R> {
  const signal = options.signal ?? new AbortController().signal;
  const boundIo = bindSignal(io, signal);
  let state = checked<R>(start, "runStates(start)");
  for (;;) {
    signal.throwIfAborted();
    const next: State<R> | Exit<R> = await state.run(boundIo, signal);
    signal.throwIfAborted();
    if (isExit(next)) return next.value;
    state = checked<R>(next, `the value state ${describe(state)} returned from run()`);
  }
}

function checked<R>(value: unknown, what: string): State<R> {
  if (
    typeof value === "object" &&
    value !== null &&
    typeof Reflect.get(value, "run") === "function"
  ) {
    return value as State<R>;
  }
  throw new InvalidArgumentError(what, "a state (an object with run()) or exit()", value);
}

function describe(state: State<unknown>): string {
  return state.name ?? (state.constructor === Object ? "(unnamed)" : state.constructor.name);
}
