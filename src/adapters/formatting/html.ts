import type { MessageEntity } from "@grammyjs/types";
import { byPosition, closeEntity, type EntityStart, type FormattedText } from "./text.js";

const entityOfTag: Readonly<Record<string, MessageEntity["type"]>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
  pre: "pre",
  a: "text_link",
  blockquote: "blockquote",
};

interface OpenTag {
  readonly tag: string;
  readonly offset: number;
  entity: EntityStart | undefined;
}

/** Parses Telegram's HTML parse mode into text and entities. */
export function parseHtml(html: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let last = 0;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>/g)) {
    text += decodeHtml(html.slice(last, match.index));
    last = match.index + match[0].length;
    const tag = (match[2] ?? "").toLowerCase();
    if (match[1] === "/") {
      const at = open.findLastIndex((o) => o.tag === tag);
      const [closed] = at < 0 ? [] : open.splice(at, 1);
      if (closed?.entity) entities.push(...closeEntity(closed.entity, closed.offset, text.length));
    } else {
      open.push({ tag, offset: text.length, entity: entityOf(tag, match[3] ?? "", open) });
    }
  }
  text += decodeHtml(html.slice(last));
  return { text, entities: entities.sort(byPosition) };
}

function entityOf(tag: string, attributes: string, open: readonly OpenTag[]): OpenTag["entity"] {
  const attribute = (name: string) =>
    new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i")
      .exec(attributes)
      ?.slice(1)
      .find((value) => value !== undefined);
  const parent = open.at(-1);
  if (tag === "code" && parent?.tag === "pre" && parent.entity) {
    // <pre><code class="language-x"> is one pre entity with a language, not two entities.
    const language = /language-([\w+-]+)/.exec(attribute("class") ?? "")?.[1];
    if (language) parent.entity = { type: "pre", language };
    return undefined;
  }
  if (tag === "span") return attribute("class") === "tg-spoiler" ? { type: "spoiler" } : undefined;
  if (tag === "a") return { type: "text_link", url: decodeHtml(attribute("href") ?? "") };
  if (tag === "blockquote" && /\bexpandable\b/i.test(attributes)) {
    return { type: "expandable_blockquote" };
  }
  const type = entityOfTag[tag];
  return type === undefined ? undefined : { type };
}

const named: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (!lower.startsWith("#")) return named[lower] ?? whole;
    const code = lower.startsWith("#x")
      ? Number.parseInt(lower.slice(2), 16)
      : Number.parseInt(lower.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
