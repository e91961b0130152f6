import { createTextIo } from "../io/text-io.js";
import type { Io, IoCallOptions } from "../io.js";

/** Options of {@link ScriptedIo}. */
export interface ScriptedIoOptions {
  /**
   * What `input` does when no answer is left: `"fail"` (the default) rejects with
   * {@link ScriptExhaustedError}, so a flow that asks more than the test expects fails at once
   * instead of hanging; `"wait"` waits for {@link ScriptedIo.answer} or the call's signal, for
   * tests that drive the flow step by step.
   */
  readonly whenOutOfAnswers?: "fail" | "wait";
  /** Runs before each `print` is recorded; throw from it to simulate a failed delivery. */
  readonly onPrint?: (text: string) => void | Promise<void>;
}

/** A {@link ScriptedIo} was asked for input after its last answer. */
export class ScriptExhaustedError extends Error {
  /** The prompt of the input that found no answer. */
  readonly prompt: string | undefined;

  constructor(prompt: string | undefined) {
    super(
      `ScriptedIo has no answer left for input(${JSON.stringify(prompt)}). ` +
        'Add one to the script, or pass whenOutOfAnswers: "wait" and call answer() as the test goes.',
    );
    this.name = "ScriptExhaustedError";
    this.prompt = prompt;
  }
}

interface PendingInput {
  readonly prompt: string | undefined;
  readonly resolve: (answer: string) => void;
}

/**
 * An {@link Io} for tests: answers `input` and `choose` from a script and records the
 * conversation in {@link ScriptedIo.transcript} — each print and prompt as it was given, each
 * answer as `> answer`. `choose` behaves like the terminal's: a numbered list, `Try again` on an
 * answer that picks nothing.
 *
 * @example
 * ```ts
 * const io = new ScriptedIo(["Atlantis", "Paris", "quit"]);
 * await runStates(weatherStates(offlineWeather), io);
 * expect(io.transcript).toContain("Terminating");
 * ```
 */
export class ScriptedIo implements Io {
  /** The conversation so far, oldest first. */
  readonly transcript: string[] = [];
  readonly #answers: string[];
  readonly #options: ScriptedIoOptions;
  readonly #io: Io;
  #pending: PendingInput | undefined;
  readonly #watchers: ((prompt: string | undefined) => void)[] = [];

  constructor(answers: Iterable<string> = [], options: ScriptedIoOptions = {}) {
    this.#answers = [...answers];
    this.#options = options;
    this.#io = createTextIo({
      print: (text, callOptions) => this.#print(text, callOptions),
      input: (prompt, callOptions) => this.#input(prompt, callOptions),
    });
  }

  /** Records `text` (after `onPrint`, which may throw to make it fail). */
  print(text: string, options?: IoCallOptions): Promise<void> {
    return this.#io.print(text, options);
  }

  /** Records `prompt` and answers with the script's next answer. */
  input(prompt?: string, options?: IoCallOptions): Promise<string> {
    return this.#io.input(prompt, options);
  }

  /** Lists the options numbered and answers from the script, re-asking with `Try again`. */
  choose<const T extends string>(
    prompt: string,
    options: readonly T[],
    callOptions?: IoCallOptions,
  ): Promise<T> {
    return this.#io.choose(prompt, options, callOptions);
  }

  /** Adds answers to the script; the first goes to an input that is waiting for one. */
  answer(...answers: string[]): void {
    this.#answers.push(...answers);
    const pending = this.#pending;
    const next = this.#answers[0];
    if (pending === undefined || next === undefined) return;
    this.#answers.shift();
    this.#pending = undefined;
    this.transcript.push(`> ${next}`);
    pending.resolve(next);
  }

  /**
   * Resolves with the prompt of the next `input` that finds no answer left and waits (with
   * `whenOutOfAnswers: "wait"`): the moment the flow is blocked on the person.
   */
  waitingForInput(): Promise<string | undefined> {
    const pending = this.#pending;
    if (pending !== undefined) return Promise.resolve(pending.prompt);
    return new Promise((resolve) => this.#watchers.push(resolve));
  }

  async #print(text: string, { signal }: IoCallOptions): Promise<void> {
    signal?.throwIfAborted();
    await this.#options.onPrint?.(text);
    signal?.throwIfAborted();
    this.transcript.push(text);
  }

  #input(prompt: string | undefined, { signal }: IoCallOptions): Promise<string> {
    signal?.throwIfAborted();
    if (prompt !== undefined) this.transcript.push(prompt);
    const next = this.#answers.shift();
    if (next !== undefined) {
      this.transcript.push(`> ${next}`);
      return Promise.resolve(next);
    }
    if (this.#options.whenOutOfAnswers !== "wait") {
      return Promise.reject(new ScriptExhaustedError(prompt));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#pending = undefined;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending = {
        prompt,
        resolve: (answer) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(answer);
        },
      };
      for (const watcher of this.#watchers.splice(0)) watcher(prompt);
    });
  }
}
