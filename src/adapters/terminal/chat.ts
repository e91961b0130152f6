import type { Chat, Update, User } from "@grammyjs/types";
import type { ApiCall, LocalBotApi } from "../local-api.js";
import { parseInputLine, textInput } from "./input.js";
import { NewestKeyboard } from "./keyboards.js";
import { PressOutcome } from "./press-outcome.js";
import { TerminalUser } from "./user-updates.js";

/**
 * One person typing in one chat: what their lines become, and the keyboards they can press there.
 * The terminal runner has one; a transcript test has one per person and chat in it.
 */
export class TerminalChat {
  /** The chat the person types in. */
  readonly chat: Chat;
  readonly #botUsername: string;
  readonly #user: TerminalUser;
  readonly #keyboards: NewestKeyboard;
  readonly #presses = new PressOutcome();

  constructor(api: LocalBotApi, options: { user: User; chat: Chat; botUsername: string }) {
    this.chat = options.chat;
    this.#botUsername = options.botUsername;
    this.#user = new TerminalUser(api, options.user, options.chat);
    this.#keyboards = new NewestKeyboard(api, options.chat.id);
    api.rememberChat(options.chat);
  }

  /** Notes a call the bot made and the lines it was shown as. */
  observe(call: ApiCall, lines: readonly string[]): void {
    this.#keyboards.observe(call);
    this.#presses.observe(call, lines);
  }

  /**
   * The update a typed line becomes; a string saying why it sends nothing (a press with no such
   * button); or `undefined` for a blank line, which Telegram could not send.
   */
  updateFor(line: string): Update | string | undefined {
    const input = parseInputLine(line, this.#botUsername);
    if (input.kind === "blank") return undefined;
    if (input.kind === "text") return this.#user.text(input.text, input.commandLength);
    if (input.kind === "inline") return this.#user.inlineQuery(input.query);
    const press = this.#keyboards.press(input.button);
    if (press.kind === "none") return press.reason;
    if (press.kind === "text") {
      const { text, commandLength } = textInput(press.text);
      return this.#user.text(text, commandLength);
    }
    this.#presses.pressed(press.label);
    return this.#user.press(press.message, press.data);
  }

  /** Once the bot is quiet: the line to show when the last press changed nothing. */
  settle(): string | undefined {
    return this.#presses.settle();
  }
}
