/**
 * The Io contract: the three things a conversation does with a person — say something, ask for
 * text, offer a choice. Business logic written against {@link Io} runs unchanged in a terminal
 * (`terminalIo()` in `colloquy/terminal`), in Telegram (`telegramIo(ctx)` in `colloquy/grammy`)
 * and in tests (`ScriptedIo` in `colloquy/testing`).
 *
 * Every call takes an optional AbortSignal. An aborted call rejects with `signal.reason` (an
 * `AbortError` DOMException unless the aborter gave another reason) and sends nothing more.
 * {@link runStates} binds its own signal to the Io it hands to states, so states need not pass one.
 *
 * @module
 */

/** Per-call options of {@link Io} methods. */
export interface IoCallOptions {
  /** Aborts the call: it rejects with `signal.reason` and sends nothing more. */
  readonly signal?: AbortSignal;
}

/**
 * Talks with one person.
 *
 * @example
 * ```ts
 * async function greet(io: Io): Promise<void> {
 *   const name = await io.input("What is your name?");
 *   const mood = await io.choose("How are you?", ["fine", "tired"]);
 *   await io.print(`Hello, ${name}! Glad you are ${mood}.`);
 * }
 * ```
 */
export interface Io {
  /** Shows `text`; resolves once it has been delivered. */
  print(text: string, options?: IoCallOptions): Promise<void>;
  /** Shows `prompt` (when given) and resolves with the next text the person sends. */
  input(prompt?: string, options?: IoCallOptions): Promise<string>;
  /**
   * Offers `options` under `prompt` and resolves with the one picked. An answer that is not one
   * of them is met with `Try again` and the offer is made again; it never resolves with anything
   * but an element of `options`. `options` must not be empty.
   */
  choose<const T extends string>(
    prompt: string,
    options: readonly T[],
    callOptions?: IoCallOptions,
  ): Promise<T>;
}
