import type { Io, IoCallOptions } from "../io.js";

/**
 * An Io whose every call also obeys `signal`: a call made after it aborted rejects at once,
 * without reaching `io`, so a cancelled flow sends nothing more.
 */
export function bindSignal(io: Io, signal: AbortSignal): Io {
  const withSignal = (options: IoCallOptions = {}): IoCallOptions => {
    signal.throwIfAborted();
    options.signal?.throwIfAborted();
    return { signal: options.signal ? AbortSignal.any([signal, options.signal]) : signal };
  };
  return {
    print: async (text, options) => io.print(text, withSignal(options)),
    input: async (prompt, options) => io.input(prompt, withSignal(options)),
    choose: async (prompt, choices, options) => io.choose(prompt, choices, withSignal(options)),
  };
}
