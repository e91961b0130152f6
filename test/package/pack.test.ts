/**
 * `npm pack` on a fresh clone (no `dist/` yet) builds first, so the tarball holds every file the
 * package's `exports` point at: installing it from a clone works.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
// What a clone holds that packing reads: the build's inputs and the files the package ships.
const cloned = [
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "README.md",
  "LICENSE",
  "src",
];

it("packs dist/ with every export's code and types, built from a clone without one", async () => {
  const clone = await mkdtemp(join(tmpdir(), "colloquy-pack-"));
  try {
    for (const path of cloned) await cp(join(root, path), join(clone, path), { recursive: true });
    await symlink(join(root, "node_modules"), join(clone, "node_modules"), "dir");
    const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json"], {
      cwd: clone,
    });
    const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = new Set(packed.files.map((file) => file.path));
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      exports: Record<string, { types: string; default: string }>;
    };
    const wanted = Object.values(manifest.exports).flatMap((target) => [
      target.types.replace(/^\.\//, ""),
      target.default.replace(/^\.\//, ""),
    ]);
    expect(wanted.filter((path) => !files.has(path))).toEqual([]);
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
}, 180_000);
