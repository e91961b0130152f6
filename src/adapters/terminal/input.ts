/** What one typed line asks for. */
export type TerminalInput =
  /** A text message; `commandLength` is set when it starts with a bot command. */
  | { readonly kind: "text"; readonly text: string; readonly commandLength?: number }
  /** A press of button `button` (1-based) of the newest keyboard, inline or reply. */
  | { readonly kind: "press"; readonly button: number }
  /** An inline query, as typing `@bot query` in a Telegram chat sends. */
  | { readonly kind: "inline"; readonly query: string }
  /** A blank line, which Telegram could not send. */
  | { readonly kind: "blank" };

// Telegram's own rule for what counts as a command: up to 32 letters, digits and underscores,
// optionally addressed to a bot, followed by a space or the end.
const commandPattern = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?(?=\s|$)/;

/**
 * Reads one typed line: `#N` presses button N of the newest keyboard (inline or reply); `@ query` (or
 * `@botUsername query`, as in Telegram) sends an inline query; `\#…` and `\@…` send a text
 * starting with a literal `#` or `@`; anything else is a text message (a command when it starts
 * with `/name`).
 */
export function parseInputLine(line: string, botUsername: string): TerminalInput {
  if (line.trim() === "") return { kind: "blank" };
  const press = /^#(\d+)$/.exec(line.trim());
  if (press) return { kind: "press", button: Number(press[1]) };
  const inline = /^@(\S*)(?:\s+|$)/.exec(line);
  if (inline && ["", botUsername.toLowerCase()].includes(inline[1]?.toLowerCase() ?? "")) {
    return { kind: "inline", query: line.slice(inline[0].length) };
  }
  return textInput(/^\\[#@]/.test(line) ? line.slice(1) : line);
}

/** A text message as Telegram sends it: a command when it starts with `/name`. */
export function textInput(text: string): Extract<TerminalInput, { kind: "text" }> {
  const command = commandPattern.exec(text);
  return command
    ? { kind: "text", text, commandLength: command[0].length }
    : { kind: "text", text };
}
