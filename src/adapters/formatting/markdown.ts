import type { MessageEntity } from "@grammyjs/types";
import { byPosition, closeEntity, type EntityStart, type FormattedText } from "./text.js";

type Marker = readonly [string, MessageEntity["type"]];

// Longer markers first, so `__` is underline and not two italics.
const markers: Readonly<Record<1 | 2, readonly Marker[]>> = {
  1: [
    ["*", "bold"],
    ["_", "italic"],
  ],
  2: [
    ["||", "spoiler"],
    ["__", "underline"],
    ["*", "bold"],
    ["_", "italic"],
    ["~", "strikethrough"],
  ],
};

interface Scanned {
  readonly content: string;
  readonly end: number;
}

/**
 * Parses Telegram's MarkdownV2 (`version` 2) or legacy Markdown (`version` 1) parse mode into
 * text and entities.
 */
export function parseMarkdown(source: string, version: 1 | 2): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: { marker: string; offset: number; type: MessageEntity["type"] }[] = [];
  let quote: { offset: number; entity: EntityStart } | undefined;
  const add = (entity: EntityStart, offset: number) =>
    entities.push(...closeEntity(entity, offset, text.length));
  let i = 0;
  while (i < source.length) {
    if (version === 2 && (i === 0 || source[i - 1] === "\n")) {
      const quoted = /^(\*\*)?>/.exec(source.slice(i, i + 3));
      if (quoted) {
        const type = quoted[1] ? "expandable_blockquote" : "blockquote";
        quote ??= { offset: text.length, entity: { type } };
        i += quoted[0].length;
        continue;
      }
      if (quote) {
        // The quote ended with the previous line; its newline is not part of it.
        entities.push(...closeEntity(quote.entity, quote.offset, text.length - 1));
        quote = undefined;
      }
    }
    const char = source[i] ?? "";
    if (char === "\\" && i + 1 < source.length) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    const fence = source.startsWith("```", i) ? scan(source, i + 3, "```", version) : undefined;
    if (fence) {
      const { language, body } = splitLanguage(fence.content);
      const offset = text.length;
      text += body;
      add(language ? { type: "pre", language } : { type: "pre" }, offset);
      i = fence.end;
      continue;
    }
    const code = char === "`" ? scan(source, i + 1, "`", version) : undefined;
    if (code) {
      const offset = text.length;
      text += code.content;
      add({ type: "code" }, offset);
      i = code.end;
      continue;
    }
    const link = char === "[" ? scanLink(source, i, version) : undefined;
    if (link) {
      const inner = parseMarkdown(link.label, version);
      const offset = text.length;
      text += inner.text;
      for (const entity of inner.entities)
        entities.push({ ...entity, offset: entity.offset + offset });
      add({ type: "text_link", url: link.url }, offset);
      i = link.end;
      continue;
    }
    const marker = markers[version].find(([m]) => source.startsWith(m, i));
    if (marker) {
      const at = open.findLastIndex((o) => o.marker === marker[0]);
      const [closed] = at < 0 ? [] : open.splice(at, 1);
      if (closed) add({ type: closed.type }, closed.offset);
      else open.push({ marker: marker[0], offset: text.length, type: marker[1] });
      i += marker[0].length;
      continue;
    }
    text += char;
    i += 1;
  }
  if (quote) add(quote.entity, quote.offset);
  return { text, entities: entities.sort(byPosition) };
}

/** The text from `start` to the next unescaped `terminator`, unescaped (MarkdownV2 only). */
function scan(
  source: string,
  start: number,
  terminator: string,
  version: 1 | 2,
): Scanned | undefined {
  let content = "";
  for (let i = start; i < source.length; i += 1) {
    if (source.startsWith(terminator, i)) return { content, end: i + terminator.length };
    if (version === 2 && source[i] === "\\" && i + 1 < source.length) i += 1;
    content += source[i];
  }
  return undefined;
}

function scanLink(
  source: string,
  start: number,
  version: 1 | 2,
): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  for (let i = start + 1; i < source.length; i += 1) {
    if (source[i] === "\\") i += 1;
    else if (source[i] === "[") depth += 1;
    else if (source[i] === "]" && depth > 0) depth -= 1;
    else if (source[i] === "]") {
      if (source[i + 1] !== "(") return undefined;
      const url = scan(source, i + 2, ")", version);
      return url && { label: source.slice(start + 1, i), url: url.content, end: url.end };
    }
  }
  return undefined;
}

// ```python\ncode``` names its language on the first line; a bare ```code``` has none.
function splitLanguage(content: string): { language?: string; body: string } {
  const newline = content.indexOf("\n");
  const first = content.slice(0, newline);
  if (newline < 0 || !/^[\w+-]*$/.test(first)) return { body: content };
  const body = content.slice(newline + 1);
  return first === "" ? { body } : { language: first, body };
}
