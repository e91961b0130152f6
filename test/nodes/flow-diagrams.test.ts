/**
 * docs/flow-diagrams.md shows the demo's /order and /form as `flow.diagram()` draws them. This
 * test rebuilds both diagrams from the code and fails when the page differs; run it with
 * `UPDATE_DIAGRAMS=1` to write the page anew.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MemoryLock, MemoryStorage } from "colloquy";
import { describe, expect, it } from "vitest";
import { installForm } from "../../examples/demo/form/index.js";
import { installOrder } from "../../examples/demo/order/index.js";
import { createTestBot } from "../support/grammy.js";

const page = fileURLToPath(new URL("../../docs/flow-diagrams.md", import.meta.url));

function demoDiagrams() {
  const { bot } = createTestBot();
  const options = { storage: new MemoryStorage(), lock: new MemoryLock() };
  return { order: installOrder(bot, options).diagram(), form: installForm(bot, options).diagram() };
}

function pageOf({ order, form }: { order: string; form: string }): string {
  return `# Flow diagrams

A node flow can declare, on each node's handlers, where the node may lead: \`to: [cart, back,
end]\`. Then a \`goto\` to any other node is a type error (and is refused at run time too), and
\`flow.diagram()\` returns the flow as a Mermaid flowchart — its nodes, the declared edges, a dashed
\`back\` edge from a node that declares \`back\` to each node that leads to it, the ends, and the
start node when \`start\` is given as \`goto(...)\`. A node that declares no \`to\` list may go
anywhere; the diagram marks it so.

\`to\` is inferred together with the context type, so type \`ctx\` in the handlers rather than
writing \`handle<MyContext>\` (which, with a \`to\` list, is refused as a type error rather than
left unchecked):

\`\`\`ts
import { back, defineNode, end, goto, stay } from "colloquy";
import type { Context } from "grammy";
import { z } from "zod";

const name = defineNode({ key: "name", schema: z.object({}) });
const age = defineNode({ key: "age", schema: z.object({ name: z.string() }) });

export const nameNode = name.handle({
  to: [age],
  enter: (ctx: Context) => ctx.reply("Your name?"),
  event: (ctx: Context) => goto(age, { name: ctx.message?.text ?? "?" }),
});

export const ageNode = age.handle({
  to: [back, end],
  enter: (ctx: Context) => ctx.reply("Your age? (or Back)"),
  event: (ctx: Context) => (ctx.message?.text === "Back" ? back() : ctx.message ? end() : stay()),
});
\`\`\`

The diagrams below are the demo's own (examples/demo), drawn by \`flow.diagram()\`;
test/nodes/flow-diagrams.test.ts keeps them in sync with the code.

## /order

\`\`\`mermaid
${order}\`\`\`

## /form

\`\`\`mermaid
${form}\`\`\`
`;
}

describe("docs/flow-diagrams.md", () => {
  it("shows the demo's /order and /form as flow.diagram() draws them", () => {
    const expected = pageOf(demoDiagrams());
    if (process.env.UPDATE_DIAGRAMS === "1") writeFileSync(page, expected);
    expect(readFileSync(page, "utf8"), "run with UPDATE_DIAGRAMS=1 to write the page").toBe(
      expected,
    );
  });

  it("draws /order's nodes, edges and start", () => {
    expect(demoDiagrams().order).toBe(
      [
        "flowchart TD",
        "  start(( )) --> n0",
        '  n0["start"]',
        '  n1["hungry"]',
        '  n2["hold"]',
        "  n0 --> n1",
        "  n0 --> n2",
        "  n1 --> n1",
        "  n1 --> n0",
        "  n2 --> n0",
        "",
      ].join("\n"),
    );
  });

  it("draws back edges to each node leading to one that declares back, and the ends", () => {
    const { form } = demoDiagrams();
    expect(form).toContain("  n1 -.->|back| n0\n");
    expect(form).toContain("  n2 -.->|back| n1\n");
    expect(form).toContain("  n2 --> stop(((end)))\n");
    expect(form).not.toContain("n0 -.->");
  });
});
