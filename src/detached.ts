/**
 * Hooks called where nothing awaits the call: from a timer, from a promise that settled after
 * its caller moved on, from a handler that resumed after its update was done. A hook that throws
 * or rejects there would be an unhandled rejection, which ends a Node process; it is logged.
 *
 * @module
 */

/**
 * `hook` made safe to call where nothing awaits it: a throw or a rejection is logged with
 * `console.error`, naming `what` the hook is, and goes no further.
 */
export function detachedHook<A extends unknown[]>(
  what: string,
  hook: (...args: A) => unknown,
): (...args: A) => void {
  const log = (error: unknown) => console.error(`colloquy: ${what} failed:`, error);
  return (...args) => {
    try {
      const result = hook(...args);
      if (isThenable(result)) Promise.resolve(result).catch(log);
    } catch (error) {
      log(error);
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
