import { InvalidArgumentError } from "../errors.js";
import type { Io, IoCallOptions } from "../io.js";

/** A plain text conversation: what {@link createTextIo} builds an {@link Io} on. */
export interface TextChannel {
  /** Shows `text`. */
  print(text: string, options: IoCallOptions): Promise<void>;
  /** Shows `prompt` (when given) and resolves with the next line of text. */
  input(prompt: string | undefined, options: IoCallOptions): Promise<string>;
}

/** The text {@link createTextIo} answers an invalid choice with, before offering it again. */
export const tryAgainText = "Try again";

/**
 * An {@link Io} over a plain text channel. `choose` lists the options numbered under its prompt
 * and accepts the number or the option itself (see {@link matchChoice}); anything else is met
 * with `Try again` and the list is shown again.
 *
 * @example
 * ```ts
 * const io = createTextIo({
 *   print: async (text) => console.log(text),
 *   input: async (prompt) => readLineSomehow(prompt),
 * });
 * const next = await io.choose("What should we do next?", ["continue", "quit"]);
 * ```
 */
export function createTextIo(channel: TextChannel): Io {
  return {
    print: (text, options = {}) => channel.print(text, options),
    input: (prompt, options = {}) => channel.input(prompt, options),
    async choose(prompt, choices, options = {}) {
      if (choices.length === 0) {
        throw new InvalidArgumentError("choose(prompt, options)", "a non-empty list", choices);
      }
      const menu = [
        prompt,
        ...choices.map((choice, index) => `  ${index + 1}) ${choice}`),
        `Your choice (1-${choices.length}):`,
      ].join("\n");
      for (;;) {
        const picked = matchChoice(await channel.input(menu, options), choices);
        if (picked !== undefined) return picked;
        await channel.print(tryAgainText, options);
      }
    },
  };
}

/**
 * The option an answer picks: the option itself, then the option ignoring case and surrounding
 * spaces, then its 1-based number; `undefined` when it picks none. Options that look like numbers
 * are matched as text first, so `["10", "20"]` answered `10` picks `"10"`.
 */
export function matchChoice<const T extends string>(
  answer: string,
  options: readonly T[],
): T | undefined {
  const exact = options.find((option) => option === answer);
  if (exact !== undefined) return exact;
  const wanted = answer.trim().toLowerCase();
  const loose = options.find((option) => option.trim().toLowerCase() === wanted);
  if (loose !== undefined) return loose;
  return /^\d+$/.test(wanted) ? options[Number(wanted) - 1] : undefined;
}
