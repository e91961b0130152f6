import type { ApiCall } from "../local-api.js";

/**
 * Follows what the bot does after a button press, so that a press it answers with nothing to see
 * — a button that is no longer active, in Telegram's eyes — is said in one line rather than
 * passing without a trace.
 */
export class PressOutcome {
  #press: { label: string; answered: boolean; shown: boolean } | undefined;

  /** Starts following the press of the button labelled `label`. */
  pressed(label: string): void {
    this.#press = { label, answered: false, shown: false };
  }

  /** Notes a call the bot made and whether it showed anything (`lines`). */
  observe(call: ApiCall, lines: readonly string[]): void {
    if (this.#press === undefined) return;
    if (call.method === "answerCallbackQuery") this.#press.answered = true;
    if (lines.length > 0) this.#press.shown = true;
  }

  /** Once the bot is quiet: the line to show when the press changed nothing, then forgets it. */
  settle(): string | undefined {
    const press = this.#press;
    this.#press = undefined;
    if (press === undefined || press.shown) return undefined;
    const nothing = `pressing "${press.label}" changed nothing: the button is no longer active`;
    // An unanswered press keeps the button loading in Telegram for several seconds.
    return press.answered ? `(${nothing})` : `(${nothing}, and the bot did not answer the press)`;
  }
}
