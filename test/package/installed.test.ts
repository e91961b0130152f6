/**
 * The package as a bot author gets it: `npm pack` on a clone without `dist/` (so the build runs),
 * the tarball installed with grammY into a fresh project outside the repository — no
 * `colloquy-src` condition, no tsx, neither ioredis nor better-sqlite3 — and used there.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
// What a clone holds that packing reads: the build's inputs and the files the package ships.
const cloned = ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE"];
const subpaths = ["", "/grammy", "/terminal", "/file", "/sqlite", "/redis", "/testing"];

interface Manifest {
  readonly exports: Record<string, { types: string; default: string }>;
}
interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { path: string }[];
}

// Without what `npm test` sets for its scripts: npm in the temporary project must not take the
// repository for its prefix.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
);

async function versionIn(name: string): Promise<string> {
  const manifest = await readFile(join(root, "node_modules", name, "package.json"), "utf8");
  return (JSON.parse(manifest) as { version: string }).version;
}

let work: string | undefined;
let project = "";
let packed: Packed;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "colloquy-installed-"));
  const clone = join(work, "clone");
  project = join(work, "bot");
  await mkdir(project);
  await cp(join(root, "src"), join(clone, "src"), { recursive: true });
  for (const path of cloned) await cp(join(root, path), join(clone, path));
  await symlink(join(root, "node_modules"), join(clone, "node_modules"), "dir");
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: clone,
    env,
  });
  [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as [Packed];
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "my-bot", private: true, type: "module" }),
  );
  // The repository's versions, so that the npm cache answers without the network.
  const install = [
    join(work, packed.filename),
    `grammy@${await versionIn("grammy")}`,
    `@types/node@${await versionIn("@types/node")}`,
  ];
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...install], {
    cwd: project,
    env,
  });
}, 170_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** Type-checks (and, given `outDir`, compiles) the project's `.ts` files under `options`. */
async function typeCheck(name: string, options: Record<string, unknown>): Promise<void> {
  const config = {
    compilerOptions: { target: "ES2022", strict: true, skipLibCheck: true, ...options },
    include: ["*.ts"],
  };
  await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify(config));
  await run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: project, env }).catch(
    (error: { stdout?: string }) => {
      throw new Error(`tsc under ${name} failed:\n${error.stdout ?? String(error)}`);
    },
  );
}

/** The ```ts blocks of a Markdown file of the repository. */
async function tsBlocks(path: string): Promise<string[]> {
  const markdown = await readFile(join(root, path), "utf8");
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

const emit = { module: "nodenext", moduleResolution: "nodenext", outDir: "out" };

describe("the published package, installed in a fresh project", () => {
  it("holds what exports names, with declarations, and no tests, benches or fixtures", async () => {
    const files = packed.files.map((file) => file.path);
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Manifest;
    const wanted = Object.values(manifest.exports).flatMap((target) => [
      target.types.replace(/^\.\//, ""),
      target.default.replace(/^\.\//, ""),
    ]);
    expect(wanted.filter((path) => !files.includes(path))).toEqual([]);
    expect(Object.keys(manifest.exports)).toEqual(subpaths.map((subpath) => `.${subpath}`));
    const unwanted = /(^|\/)(test|bench|examples)\/|\.test\.|fixtures/;
    expect(files.filter((path) => unwanted.test(path))).toEqual([]);
    // What a newcomer downloads, for the record.
    console.info(
      `colloquy tarball: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${files.length} files`,
    );
    expect(packed.size).toBeLessThan(1_000_000);
  });

  it("type-checks imports of every subpath under node16, bundler and nodenext resolution", async () => {
    const imports = subpaths.map((subpath, i) => `import * as m${i} from "colloquy${subpath}";`);
    const uses = subpaths.map((_, i) => `m${i}`).join(", ");
    await writeFile(
      join(project, "imports.ts"),
      `${imports.join("\n")}\nexport const all: object[] = [${uses}];\n`,
    );
    await typeCheck("node16", { module: "node16", moduleResolution: "node16", noEmit: true });
    await typeCheck("bundler", { module: "esnext", moduleResolution: "bundler", noEmit: true });
    await typeCheck("nodenext", { module: "nodenext", moduleResolution: "nodenext", noEmit: true });
  }, 120_000);

  it("runs the README's first example under runInTerminal on piped input", async () => {
    const [example = ""] = await tsBlocks("README.md");
    await writeFile(join(project, "bot.ts"), example);
    await typeCheck("emit", emit);
    const child = run(process.execPath, ["out/bot.js"], {
      cwd: project,
      env: { ...env, BOT_TOKEN: "" },
    });
    child.child.stdin?.end("/start\nAda\n33\nhello\n");
    expect((await child).stdout).toBe(
      [
        "you> /start",
        "bot> Hi! What is your name?",
        "you> Ada",
        "bot> Nice to meet you, Ada. How old are you?",
        "you> 33",
        "bot> Ada is 33. Noted!",
        "you> hello",
        "bot> Send /start to begin.",
        "",
      ].join("\n"),
    );
  }, 120_000);

  it("imports colloquy, /grammy, /terminal, /file and /testing with no optional peer installed", async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const require = createRequire(import.meta.url);",
      "for (const peer of ['ioredis', 'better-sqlite3', 'vitest']) {",
      "  try { require.resolve(peer); } catch { continue; }",
      "  throw new Error(peer + ' is installed: the check proves nothing');",
      "}",
      ...["", "/grammy", "/terminal", "/file", "/testing"].map(
        (subpath) => `await import('colloquy${subpath}');`,
      ),
      "console.log('imported');",
    ].join("\n");
    await writeFile(join(project, "optional-peers.mjs"), script);
    const { stdout } = await run(process.execPath, ["optional-peers.mjs"], { cwd: project, env });
    expect(stdout).toBe("imported\n");
  });

  it("runs the testing guide's node:test example with node --test", async () => {
    const example = (await tsBlocks("docs/testing.md")).find((block) =>
      block.includes('from "node:test"'),
    );
    expect(example).toBeDefined();
    await writeFile(join(project, "menu.test.ts"), example ?? "");
    await typeCheck("emit", emit);
    const { stdout } = await run(process.execPath, ["--test", "out/menu.test.js"], {
      cwd: project,
      env,
    });
    expect(stdout).toMatch(/^# pass 1$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, 120_000);
});
