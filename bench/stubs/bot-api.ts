/**
 * A stateless Bot API server in memory: every framework under test talks to the same one, so the
 * cost of "the network" is the same for all of them and nothing it does grows with the run.
 *
 * It keeps no call log and no messages — the heap rows count every byte a waiting conversation
 * keeps alive, and a log here would be counted against the library.
 *
 * @module
 */
import type { Message, UserFromGetMe } from "@grammyjs/types";

/** The bot every benchmark runs as; passing it as `botInfo` spares the `getMe` call. */
export const benchBotInfo: UserFromGetMe = {
  id: 424242,
  is_bot: true,
  first_name: "bench",
  username: "bench_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
} as UserFromGetMe;

const botUser = {
  id: benchBotInfo.id,
  is_bot: true,
  first_name: benchBotInfo.first_name,
  username: benchBotInfo.username,
};

let nextMessageId = 1;

/** A sent message as Telegram returns it, for a private chat with `chat_id`. */
function sentMessage(payload: Record<string, unknown>): Message {
  const chatId = Number(payload.chat_id);
  const message: Record<string, unknown> = {
    message_id: typeof payload.message_id === "number" ? payload.message_id : nextMessageId++,
    from: botUser,
    chat: { id: chatId, first_name: "User", type: "private" },
    date: Math.floor(Date.now() / 1000),
    text: payload.text,
  };
  if (payload.reply_markup !== undefined) message.reply_markup = payload.reply_markup;
  if (payload.message_thread_id !== undefined) {
    message.message_thread_id = payload.message_thread_id;
  }
  if (payload.business_connection_id !== undefined) {
    message.business_connection_id = payload.business_connection_id;
  }
  return message as unknown as Message;
}

/** The `result` Telegram gives for `method`: a message for sends and edits, else `true`. */
export function botApiResult(method: string, payload: Record<string, unknown>): unknown {
  switch (method) {
    case "getMe":
      return benchBotInfo;
    case "sendMessage":
    case "editMessageText":
      return sentMessage(payload);
    default:
      return true;
  }
}

/**
 * Answers one call the way the HTTP server would: parses the request body and returns the
 * response body as JSON text, so both ends pay for (de)serialisation as they would on the wire.
 */
export function botApiRespond(method: string, requestBody: string): string {
  const payload = requestBody === "" ? {} : (JSON.parse(requestBody) as Record<string, unknown>);
  return JSON.stringify({ ok: true, result: botApiResult(method, payload) });
}
