import type { LineReader } from "./line-reader.js";

/** The prompt shown while the person may type. */
export const youPrompt = "you> ";

/**
 * Where the conversation is written. On an interactive terminal the prompt line (with whatever
 * the person has typed so far) is cleared before bot output and drawn again after it.
 */
export class Screen {
  readonly #output: NodeJS.WritableStream;
  readonly #reader: LineReader | undefined;

  /** `reader` is given when interactive, to redraw its prompt. */
  constructor(output: NodeJS.WritableStream, reader?: LineReader) {
    this.#output = output;
    this.#reader = reader;
  }

  /** Writes whole lines. */
  write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.#reader) this.#output.write("\r\x1b[2K");
    this.#output.write(`${lines.join("\n")}\n`);
    this.prompt();
  }

  /** Shows the prompt (interactive only). */
  prompt(): void {
    if (!this.#reader?.ended.aborted) this.#reader?.prompt(youPrompt);
  }
}
