/**
 * Module hooks that run the TypeScript sources compiled the way `npm run build` compiles them
 * (TypeScript's own emit, one file at a time), so benchmarks measure colloquy as it ships.
 *
 * tsx cannot be used for that: its esbuild transform is fixed to `keepNames`, which wraps named
 * closures in `__name(fn, "…")`. Redefining a function's `name` turns it into a dictionary-mode
 * object with its own property store, and objects holding such closures get hidden classes of
 * their own — hundreds of bytes per wait and a slower dispatch that the shipped code never has.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
};

/** `./x.js` written in a `.ts` file means `./x.ts` when only that exists (NodeNext style). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.endsWith(".ts") && specifier.startsWith(".") && specifier.endsWith(".js")) {
    const candidate = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(fileURLToPath(candidate))) {
      return { url: candidate.href, format: "module", shortCircuit: true };
    }
  }
  return next(specifier, context);
}

/** Compiles `.ts` files to ES modules; everything else loads as Node would load it. */
export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: path });
  return { format: "module", source: outputText, shortCircuit: true };
}
