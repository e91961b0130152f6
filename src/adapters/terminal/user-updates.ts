import type { Chat, Message, MessageEntity, Update, User } from "@grammyjs/types";
import { UpdateFactory } from "../../testing/updates.js";
import type { LocalBotApi } from "../local-api.js";

/**
 * The updates the person's input becomes. Message ids come from the local API, so the person's
 * messages and the bot's share one sequence per chat, as in Telegram.
 */
export class TerminalUser {
  readonly #api: LocalBotApi;
  readonly #chat: Chat;
  readonly #updates: UpdateFactory;

  constructor(api: LocalBotApi, from: User, chat: Chat) {
    this.#api = api;
    this.#chat = chat;
    this.#updates = new UpdateFactory({ from, chat });
  }

  /** A text message; a command when `commandLength` is given. */
  text(text: string, commandLength?: number): Update {
    const entities: MessageEntity[] | undefined =
      commandLength === undefined
        ? undefined
        : [{ type: "bot_command", offset: 0, length: commandLength }];
    return this.#updates.message(entities ? { text, entities } : { text }, {
      messageId: this.#api.nextMessageId(this.#chat.id),
    });
  }

  /** An inline query typed in the chat. */
  inlineQuery(query: string): Update {
    return this.#updates.inlineQuery(query);
  }

  /** A press of a button with `data` under the bot's `message`. */
  press(message: Message, data: string): Update {
    const update = this.#updates.press(data, message.message_id);
    const query = update.callback_query;
    return query ? { ...update, callback_query: { ...query, message } } : update;
  }
}
