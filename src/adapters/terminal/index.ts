/**
 * Runs any grammY bot in a terminal with no token and no network, and an Io for plain terminal
 * programs.
 *
 * @module
 */
export {
  type ApiCall,
  type ApiResponse,
  LocalBotApi,
  type LocalBotApiOptions,
  localBotUser,
} from "../local-api.js";
export type { RunInTerminalOptions, TerminalChatType, TerminalStreams } from "./options.js";
export { runInTerminal } from "./run.js";
export { type TerminalIo, terminalIo } from "./terminal-io.js";
