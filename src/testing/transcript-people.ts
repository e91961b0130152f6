import type { Chat, User } from "@grammyjs/types";
import type { LocalBotApi } from "../adapters/local-api.js";
import { TerminalChat } from "../adapters/terminal/chat.js";
import type { TerminalChatType } from "../adapters/terminal/options.js";

/** A person named in a transcript (`ada you> …`). */
export interface TranscriptPerson {
  /** Their user id. Default: the next one free, in the order they first type (from 1). */
  readonly id?: number;
  /** Their first name. Default: the name as the transcript writes it. */
  readonly firstName?: string;
}

/** Who types in a transcript and where. */
export interface TranscriptPeopleOptions {
  /** The first name of the person who types plain `you> …` lines. Default `"Ann"`. */
  readonly firstName?: string;
  /** Their user id. Default 1. */
  readonly userId?: number;
  /** The chat they type in. Default `"private"`. */
  readonly chatType?: TerminalChatType;
  /** The people named in the transcript, by name, when their id or first name matter. */
  readonly people?: Readonly<Record<string, TranscriptPerson>>;
}

// Ids shaped like Telegram's supergroups (-100…), one per chat name in order of appearance.
const firstGroupId = -1_001_000_000_001;
// The key of the person who types plain `you> …` lines.
const defaultPerson = "";

/**
 * The people and chats of one transcript, made as they first appear: a person's plain lines go
 * to their private chat, `NAME@CHAT` lines to a group chat `CHAT` that everyone naming it shares.
 */
export class TranscriptPeople {
  readonly #api: LocalBotApi;
  readonly #botUsername: string;
  readonly #options: TranscriptPeopleOptions;
  readonly #users = new Map<string, User>();
  readonly #groups = new Map<string, Chat>();
  readonly #chats = new Map<string, TerminalChat>();
  readonly #chatNames = new Map<number, string>();

  constructor(api: LocalBotApi, botUsername: string, options: TranscriptPeopleOptions) {
    this.#api = api;
    this.#botUsername = botUsername;
    this.#options = options;
  }

  /** Every person's chat so far. */
  get chats(): Iterable<TerminalChat> {
    return this.#chats.values();
  }

  /** The chat `person` (default: the plain `you>`) types in, in group `group` when given. */
  chatOf(person: string | undefined, group: string | undefined): TerminalChat {
    const key = `${person ?? defaultPerson}@${group ?? ""}`;
    const known = this.#chats.get(key);
    if (known !== undefined) return known;
    const user = this.#user(person ?? defaultPerson);
    const chat = group === undefined ? this.#privateChat(person, user) : this.#group(group);
    const made = new TerminalChat(this.#api, { user, chat, botUsername: this.#botUsername });
    this.#chats.set(key, made);
    return made;
  }

  /** How `bot (to NAME)>` names a chat: its person's or group's name in the transcript. */
  chatName(chatId: number): string | undefined {
    return this.#chatNames.get(chatId);
  }

  #user(name: string): User {
    const known = this.#users.get(name);
    if (known !== undefined) return known;
    const given =
      name === defaultPerson
        ? { id: this.#options.userId ?? 1, firstName: this.#options.firstName ?? "Ann" }
        : this.#options.people?.[name];
    const taken = new Set([...this.#users.values()].map((user) => user.id));
    const free = () => {
      let id = 1;
      while (taken.has(id) || this.#reserved(id)) id += 1;
      return id;
    };
    const user: User = {
      id: given?.id ?? free(),
      is_bot: false,
      first_name: given?.firstName ?? name,
    };
    this.#users.set(name, user);
    // A private chat's id is its person's: messages there are labelled with their name.
    this.#chatNames.set(user.id, name === defaultPerson ? "you" : name);
    return user;
  }

  // Ids given in the options are kept for their people even before those first type.
  #reserved(id: number): boolean {
    if (id === (this.#options.userId ?? 1)) return true;
    return Object.values(this.#options.people ?? {}).some((person) => person.id === id);
  }

  #privateChat(person: string | undefined, user: User): Chat {
    const type = person === undefined ? (this.#options.chatType ?? "private") : "private";
    if (type !== "private") return this.#group(`${type} chat`, type);
    return { id: user.id, type: "private", first_name: user.first_name };
  }

  #group(name: string, type: "group" | "supergroup" = "supergroup"): Chat {
    const known = this.#groups.get(name);
    if (known !== undefined) return known;
    const id = firstGroupId - this.#groups.size;
    const chat: Chat = { id, type, title: name };
    this.#groups.set(name, chat);
    this.#chatNames.set(id, name);
    return chat;
  }
}
