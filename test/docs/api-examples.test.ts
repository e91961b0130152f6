/**
 * The API reference's main entry points each carry an `@example` (TypeDoc's own validation,
 * run by `npm run docs`, covers that every export is documented and every link resolves).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The main entry points, by the subpath that exports them. */
const entryPoints: Readonly<Record<string, readonly string[]>> = {
  "src/index.ts": ["runStates", "MemoryStorage", "MemoryLock", "fromGrammyStorage", "capture"],
  "src/adapters/grammy/index.ts": [
    "colloquy",
    "createFlow",
    "defineNode",
    "conversation",
    "delegate",
    "answerer",
    "telegramIo",
    "coordinate",
    "nextSteps",
  ],
  "src/adapters/terminal/index.ts": ["runInTerminal", "terminalIo", "LocalBotApi"],
  "src/adapters/file/index.ts": ["FileStorage"],
  "src/adapters/sqlite/index.ts": ["SqliteStorage"],
  "src/adapters/redis/index.ts": ["RedisStorage", "RedisLock", "crossInstanceAsks"],
  "src/testing/index.ts": ["expectTranscript", "ManualClock", "ScriptedIo", "testStorage"],
};

it("gives every main entry point an @example", () => {
  const files = Object.keys(entryPoints).map((file) => join(root, file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const [file, names] of Object.entries(entryPoints)) {
    const source = program.getSourceFile(join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    const exports = new Map(
      (module ? checker.getExportsOfModule(module) : []).map((symbol) => [symbol.name, symbol]),
    );
    for (const name of names) {
      const symbol = exports.get(name);
      const target = symbol && checker.getAliasedSymbol(symbol);
      const documented = target?.declarations?.some((declaration) =>
        ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "example"),
      );
      if (!documented) missing.push(`${name} (${file})`);
    }
  }
  expect(missing).toEqual([]);
}, 60_000);
