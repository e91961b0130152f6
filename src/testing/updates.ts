import type { Chat, Message, MessageEntity, Update, User } from "@grammyjs/types";

/** Where and as whom {@link UpdateFactory} makes updates; each field can be overridden per call. */
export interface UpdateOrigin {
  readonly chat: Chat;
  readonly from: User;
  /** A forum topic: messages carry `message_thread_id` and `is_topic_message`. */
  readonly threadId?: number;
  readonly businessConnectionId?: string;
}

/** Per-call overrides of {@link UpdateFactory} methods. */
export interface MessageOverrides extends Partial<UpdateOrigin> {
  /** The id of the message this one replies to. */
  readonly replyTo?: number;
  readonly messageId?: number;
}

/**
 * Makes realistic Bot API updates for tests and local runs, with increasing `update_id`s and
 * message ids.
 *
 * @example
 * ```ts
 * const updates = new UpdateFactory();
 * await bot.handleUpdate(updates.command("/name"));
 * await bot.handleUpdate(updates.text("Ann"));
 * ```
 */
export class UpdateFactory {
  #updateId: number;
  #messageId = 1000;
  readonly origin: UpdateOrigin;

  constructor(origin: Partial<UpdateOrigin> = {}, firstUpdateId = 1) {
    const from = origin.from ?? { id: 1, is_bot: false, first_name: "Ann" };
    this.origin = {
      ...origin,
      from,
      chat: origin.chat ?? { id: from.id, type: "private", first_name: from.first_name },
    };
    this.#updateId = firstUpdateId;
  }

  /** The next update id this factory will use. */
  get nextUpdateId(): number {
    return this.#updateId;
  }

  /** A plain text message. */
  text(text: string, overrides: MessageOverrides = {}): Update {
    return this.message({ text }, overrides);
  }

  /** A message whose first entity is a `bot_command` covering its first word. */
  command(text: string, overrides: MessageOverrides = {}): Update {
    const length = text.split(/\s/, 1)[0]?.length ?? text.length;
    const entities: MessageEntity[] = [{ type: "bot_command", offset: 0, length }];
    return this.message({ text, entities }, overrides);
  }

  /** Any message body (a photo, a service message, ...); a business message with a connection. */
  message(body: Partial<Message>, overrides: MessageOverrides = {}): Update {
    const message = this.#build(body, overrides);
    const field = message.business_connection_id === undefined ? "message" : "business_message";
    return { update_id: this.#nextUpdate(), [field]: message };
  }

  /** The message `messageId`, edited to `text`. */
  edited(text: string, messageId: number, overrides: MessageOverrides = {}): Update {
    const message = this.#build({ text, edit_date: 1 }, { ...overrides, messageId });
    const field =
      message.business_connection_id === undefined ? "edited_message" : "edited_business_message";
    return { update_id: this.#nextUpdate(), [field]: message };
  }

  /** A press of an inline button with `data` under the bot's message `messageId`. */
  press(data: string, messageId: number, overrides: Partial<UpdateOrigin> = {}): Update {
    const origin = { ...this.origin, ...overrides };
    const message = {
      message_id: messageId,
      date: 0,
      chat: origin.chat,
      from: { id: 424242, is_bot: true, first_name: "bot" },
      text: "prompt",
      ...this.#topic(origin),
    } as Message;
    return {
      update_id: this.#nextUpdate(),
      callback_query: {
        id: `cb${this.#updateId}`,
        from: origin.from,
        chat_instance: `ci${origin.chat.id}`,
        data,
        message,
      },
    };
  }

  /** An inline query (`@bot query` typed in the origin's chat). */
  inlineQuery(query: string, overrides: Partial<UpdateOrigin> = {}): Update {
    const origin = { ...this.origin, ...overrides };
    const update_id = this.#nextUpdate();
    return {
      update_id,
      inline_query: {
        id: `iq${update_id}`,
        from: origin.from,
        query,
        offset: "",
        chat_type: origin.chat.type,
      },
    };
  }

  #build(body: Partial<Message>, overrides: MessageOverrides): Message {
    const origin = { ...this.origin, ...overrides };
    const replyTo =
      overrides.replyTo === undefined
        ? {}
        : {
            reply_to_message: {
              message_id: overrides.replyTo,
              date: 0,
              chat: origin.chat,
              text: "prompt",
            },
          };
    const business =
      origin.businessConnectionId === undefined
        ? {}
        : { business_connection_id: origin.businessConnectionId };
    return {
      message_id: overrides.messageId ?? ++this.#messageId,
      date: Math.floor(Date.now() / 1000),
      chat: origin.chat,
      from: origin.from,
      ...this.#topic(origin),
      ...replyTo,
      ...business,
      ...body,
    } as Message;
  }

  #topic(origin: UpdateOrigin): Partial<Message> {
    return origin.threadId === undefined
      ? {}
      : { message_thread_id: origin.threadId, is_topic_message: true };
  }

  #nextUpdate(): number {
    return this.#updateId++;
  }
}
