import type { MessageEntity } from "@grammyjs/types";
import { parseHtml } from "./html.js";
import { parseMarkdown } from "./markdown.js";
import type { FormattedText } from "./text.js";

/**
 * What Telegram makes of `text` sent with `parse_mode` (or with explicit `entities`): the
 * visible text and its entities. Unlike Telegram it never rejects malformed markup — unknown tags
 * and unclosed markers are dropped — because a local run should show the message, not fail it.
 */
export function formatText(
  text: string,
  parseMode: unknown,
  entities: readonly MessageEntity[] | undefined,
): FormattedText {
  switch (typeof parseMode === "string" ? parseMode.toLowerCase() : undefined) {
    case "html":
      return parseHtml(text);
    case "markdownv2":
      return parseMarkdown(text, 2);
    case "markdown":
      return parseMarkdown(text, 1);
    default:
      return { text, entities: entities ?? [] };
  }
}
