import { createInterface, type Interface } from "node:readline";

/** Where a {@link LineReader} reads and, when interactive, shows its prompt. */
export interface LineReaderOptions {
  readonly input: NodeJS.ReadableStream;
  /** The prompt's stream; when set, the reader is interactive (line editing, history, Ctrl+C). */
  readonly output?: NodeJS.WritableStream;
  /** Ends input as Ctrl+C would. */
  readonly signal?: AbortSignal;
}

/**
 * Lines typed or piped in, one at a time and in order, however fast they arrive. The end of
 * input ends it once every line before was read; Ctrl+C (on a terminal, or a SIGINT while
 * reading the process's own stdin), the signal and {@link LineReader.close} end it at once,
 * dropping lines typed ahead. After the end, the next line read is `undefined`. A second Ctrl+C,
 * once reading stopped, is left to the process's default: it exits at once, for a bot that never
 * goes idle.
 */
export class LineReader {
  readonly #rl: Interface;
  readonly #lines: string[] = [];
  readonly #waiters: ((line: string | undefined) => void)[] = [];
  readonly #ended = new AbortController();
  #inputClosed = false;

  constructor({ input, output, signal }: LineReaderOptions) {
    this.#rl = createInterface({
      input,
      ...(output ? { output, terminal: true } : { terminal: false }),
    });
    this.#rl.on("line", (line) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    this.#rl.on("close", () => {
      this.#inputClosed = true;
      if (this.#lines.length === 0) this.#end();
    });
    this.#rl.on("SIGINT", () => this.close());
    const interrupted = () => this.close();
    if (input === process.stdin) process.once("SIGINT", interrupted);
    signal?.addEventListener("abort", interrupted, { once: true });
    this.#ended.signal.addEventListener("abort", () => {
      process.removeListener("SIGINT", interrupted);
      signal?.removeEventListener("abort", interrupted);
    });
    if (signal?.aborted) this.close();
  }

  /** Aborts when input has ended (see {@link LineReader}); its reason is an `AbortError`. */
  get ended(): AbortSignal {
    return this.#ended.signal;
  }

  /**
   * The next line, or `undefined` once input has ended. An aborted `signal` rejects with its
   * reason and leaves the line for the next caller.
   */
  next(signal?: AbortSignal): Promise<string | undefined> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#lines.length > 0) return Promise.resolve(this.#lines.shift());
    if (this.#inputClosed) this.#end();
    if (this.#ended.signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = (line: string | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(line);
      };
      const onAbort = () => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Shows `prompt` (interactive only), keeping what was typed so far. */
  prompt(prompt: string): void {
    this.#rl.setPrompt(prompt);
    this.#rl.prompt(true);
  }

  /** Stops reading now, dropping lines not read yet. */
  close(): void {
    this.#lines.length = 0;
    this.#rl.close();
    this.#end();
  }

  #end(): void {
    if (this.#ended.signal.aborted) return;
    this.#ended.abort(new DOMException("The terminal input ended.", "AbortError"));
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
