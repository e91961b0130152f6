import { userInfo } from "node:os";
import type { Chat, User } from "@grammyjs/types";
import type { LocalBotApi } from "../local-api.js";

/** The kind of chat the person talks to the bot in. */
export type TerminalChatType = "private" | "group" | "supergroup";

/** Streams a terminal runs on; both default to the process's own. */
export interface TerminalStreams {
  /** Where typed lines come from. Default `process.stdin`. */
  readonly input?: NodeJS.ReadableStream;
  /** Where the conversation is shown. Default `process.stdout`. */
  readonly output?: NodeJS.WritableStream;
}

/** Options of {@link runInTerminal}. */
export interface RunInTerminalOptions extends TerminalStreams {
  /** The person's user id. Default 1. */
  readonly userId?: number;
  /** The person's first name. Default: the operating system's user name. */
  readonly firstName?: string;
  /** The chat the person talks in. Default `"private"`. */
  readonly chatType?: TerminalChatType;
  /** ANSI styles for formatting. Default: on when the output is a terminal and `NO_COLOR` is unset. */
  readonly color?: boolean;
  /** How long the bot must be quiet before the next line is read, in milliseconds. Default 100. */
  readonly quietMs?: number;
  /** Stops reading input, as Ctrl+C does; the run ends once the bot is idle. */
  readonly signal?: AbortSignal;
  /**
   * Runs once input has ended (Ctrl+C, Ctrl+D, the end of piped input, `signal`), before the run
   * ends: what the bot sends meanwhile is still shown. End the bot's flows here, so that they can
   * say goodbye — `plugin.shutdown()` ends every pending `ask`.
   */
  readonly onInputEnd?: () => unknown;
  /** The local Bot API to answer with; pass one to inspect the calls the bot made. */
  readonly api?: LocalBotApi;
}

/** {@link RunInTerminalOptions} with every default applied. */
export interface TerminalSettings {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly user: User;
  readonly chat: Chat;
  readonly color: boolean;
  /** Both streams are terminals: the person types with a prompt and sees their own lines. */
  readonly interactive: boolean;
  readonly quietMs: number;
}

/** Applies the defaults of {@link RunInTerminalOptions}. */
export function terminalSettings(options: RunInTerminalOptions): TerminalSettings {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const user: User = {
    id: options.userId ?? 1,
    is_bot: false,
    first_name: options.firstName ?? osUserName(),
  };
  return {
    input,
    output,
    user,
    chat: chatOf(options.chatType ?? "private", user),
    color: options.color ?? (isTty(output) && process.env.NO_COLOR === undefined),
    interactive: isTty(input) && isTty(output),
    quietMs: options.quietMs ?? 100,
  };
}

function chatOf(type: TerminalChatType, user: User): Chat {
  // Ids shaped like Telegram's: a basic group is a small negative number, a supergroup -100….
  if (type === "group") return { id: -4_000_000_001, type, title: "colloquy terminal" };
  if (type === "supergroup") return { id: -1_001_000_000_001, type, title: "colloquy terminal" };
  return { id: user.id, type, first_name: user.first_name };
}

/** Whether a stream is attached to a terminal. */
export function isTty(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return Reflect.get(stream, "isTTY") === true;
}

function osUserName(): string {
  try {
    return userInfo().username || "you";
  } catch {
    // A user id with no passwd entry (some containers) has no name to show.
    return "you";
  }
}
