import type { MessageEntity } from "@grammyjs/types";
import type { FormattedText } from "../formatting/text.js";

/** `text` wrapped in the ANSI SGR `codes` (e.g. `"1"` bold, `"2"` dim), reset after. */
export function sgr(codes: string, text: string): string {
  return text === "" ? text : `\x1b[${codes}m${text}\x1b[0m`;
}

/** `text` in the SGR `codes` when `color` is on, as it is otherwise. */
export function paint(color: boolean, codes: string, text: string): string {
  return color ? sgr(codes, text) : text;
}

const codesOf: Partial<Record<MessageEntity["type"], string>> = {
  bold: "1",
  italic: "3",
  underline: "4",
  strikethrough: "9",
  spoiler: "7",
  code: "36",
  pre: "36",
  text_link: "4;34",
  url: "4;34",
  email: "4;34",
  phone_number: "4;34",
  mention: "34",
  text_mention: "34",
  hashtag: "34",
  cashtag: "34",
  bot_command: "34",
  blockquote: "2",
  expandable_blockquote: "2",
};

/**
 * The lines of a formatted text: plain, or with ANSI styles for its entities when `color` is on.
 * Styles are closed at each line end and reopened on the next line, so a prefix or indent put in
 * front of a line is never styled; a text link shows its URL after it, since a terminal cannot
 * hide one behind the text.
 */
export function styledLines({ text, entities }: FormattedText, color: boolean): string[] {
  if (!color || entities.length === 0) return text.split("\n");
  const cuts = new Set([0, text.length]);
  for (const { offset, length } of entities) cuts.add(offset).add(offset + length);
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1))
    cuts.add(at).add(at + 1);
  const positions = [...cuts].filter((cut) => cut <= text.length).sort((a, b) => a - b);
  let out = "";
  for (const [index, from] of positions.entries()) {
    const to = positions[index + 1];
    if (to === undefined) break;
    const piece = text.slice(from, to);
    const codes = entities
      .filter((e) => e.offset <= from && from < e.offset + e.length)
      .flatMap((e) => codesOf[e.type] ?? []);
    out += piece === "\n" || codes.length === 0 ? piece : sgr(codes.join(";"), piece);
    for (const entity of entities) {
      if (entity.type === "text_link" && entity.offset + entity.length === to) {
        out += sgr("2", ` <${entity.url}>`);
      }
    }
  }
  return out.split("\n");
}
