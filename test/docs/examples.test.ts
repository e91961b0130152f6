/**
 * The code blocks of README.md and docs/*.md are whole programs: each must type-check against the
 * sources, so a renamed option or export cannot leave a guide that no longer compiles, and a
 * newcomer can copy any of them as it is.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
/** The guides whose blocks are checked, relative to the root. */
const guides = [
  "README.md",
  ...readdirSync(docs)
    .filter((file) => file.endsWith(".md"))
    .map((file) => join("docs", file)),
];

/** The ```ts blocks of a Markdown text. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

function typeErrors(files: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (config === undefined) throw new Error("tsconfig.json could not be read");
  const program = ts.createProgram(files, config.options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter(
      (diagnostic) => diagnostic.file !== undefined && files.includes(diagnostic.file.fileName),
    )
    .map((diagnostic) => {
      const where = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      return `${diagnostic.file?.fileName}:${(where?.line ?? 0) + 1}: ${text}`;
    });
}

describe("README.md and docs/*.md", () => {
  it("has code blocks that type-check as programs", () => {
    // Inside the repository, so the blocks resolve grammY and colloquy as the examples do.
    const dir = mkdtempSync(join(root, "test", "docs", ".blocks-"));
    try {
      const files: string[] = [];
      for (const guide of guides) {
        for (const [i, block] of tsBlocks(readFileSync(join(root, guide), "utf8")).entries()) {
          const file = join(dir, `${guide.replace(/\.md$/, "").replace("/", "-")}-${i + 1}.ts`);
          // Each block is a module of its own, as an example file would be.
          writeFileSync(file, `${block}\nexport {};\n`);
          files.push(file);
        }
      }
      expect(files.length).toBeGreaterThan(0);
      expect(typeErrors(files)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("has the README's first example as examples/hello-bot.ts, word for word", () => {
    const [first] = tsBlocks(readFileSync(join(root, "README.md"), "utf8"));
    expect(readFileSync(join(root, "examples", "hello-bot.ts"), "utf8")).toBe(first);
  });
});
