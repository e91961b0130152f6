import { createTextIo } from "../../io/text-io.js";
import type { Io } from "../../io.js";
import { LineReader } from "./line-reader.js";
import { isTty, type TerminalStreams } from "./options.js";

/** An {@link Io} on a terminal; see {@link terminalIo}. */
export interface TerminalIo extends Io {
  /**
   * Aborts when input ends: at once on Ctrl+C, and at the end of piped input once an `input`
   * finds no line left. Pass it to `runStates` so the flow stops there. Its reason is an
   * `AbortError` DOMException.
   */
  readonly signal: AbortSignal;
  /** Stops reading input, so that the process can exit; call it when the flow is done. */
  close(): void;
}

/**
 * An {@link Io} on the terminal: `print` writes a line, `input` shows its prompt and reads the
 * next line, `choose` lists the options numbered and accepts a number or the option. When the
 * input is piped rather than typed, each answer is echoed after its prompt so the output reads
 * as a transcript. Once input has ended, `input` rejects with the reason of {@link TerminalIo.signal}.
 *
 * @example
 * ```ts
 * const io = terminalIo();
 * try {
 *   await runStates(start, io, { signal: io.signal });
 * } finally {
 *   io.close();
 * }
 * ```
 */
export function terminalIo(streams: TerminalStreams = {}): TerminalIo {
  const input = streams.input ?? process.stdin;
  const output = streams.output ?? process.stdout;
  const interactive = isTty(input) && isTty(output);
  const reader = new LineReader({ input, ...(interactive ? { output } : {}) });
  let prompting = false;
  // A prompt left open when input ends would run into the shell's next prompt.
  reader.ended.addEventListener("abort", () => prompting && output.write("\n"));
  const io = createTextIo({
    async print(text, { signal }) {
      signal?.throwIfAborted();
      output.write(`${text}\n`);
    },
    async input(prompt, { signal }) {
      signal?.throwIfAborted();
      // Only the last line of a prompt can sit in front of the answer.
      const lines = prompt === undefined ? [] : prompt.split("\n");
      const last = lines.pop();
      if (lines.length > 0) output.write(`${lines.join("\n")}\n`);
      const shown = last === undefined ? "" : `${last} `;
      if (interactive) reader.prompt(shown);
      else output.write(shown);
      prompting = true;
      const line = await reader.next(signal).finally(() => {
        prompting = false;
      });
      if (line === undefined) throw reader.ended.reason;
      if (!interactive) output.write(`${line}\n`);
      return line;
    },
  });
  return { ...io, signal: reader.ended, close: () => reader.close() };
}
