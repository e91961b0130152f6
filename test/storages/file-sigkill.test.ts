import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FileStorage } from "../../src/storages/file.js";
import { stop, waitForOutput } from "../support/child.js";

const KILLS = 200;
const PARALLEL = 8;
const KEYS = 8;

// The child writes a few keys in a loop, as fast as it can, with values large enough that a write
// takes a while; it says "started" once the first write is on disk. Each child starts at a random
// key, so that all of them get written although a child lives for a few writes only.
const child = `
import { FileStorage } from "./storages/file.ts";
const storage = new FileStorage({ dir: process.argv[2], sweepIntervalMs: 3_600_000 });
const padding = "x".repeat(64_000);
const first = Math.floor(Math.random() * ${KEYS});
for (let i = 0; ; i++) {
  await storage.set("key" + ((first + i) % ${KEYS}), { i, pid: process.pid, padding });
  if (i === 0) process.stdout.write("started\\n");
}
`;

let work: string;
let script: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "colloquy-sigkill-"));
  script = join(work, "writer.mjs");
  await build({
    stdin: {
      contents: child,
      resolveDir: fileURLToPath(new URL("../../src", import.meta.url)),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: script,
    logLevel: "silent",
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeUntilKilled(dir: string): Promise<void> {
  const writer = spawn(process.execPath, [script, dir], { stdio: ["ignore", "pipe", "inherit"] });
  await waitForOutput(writer, "started", "writer");
  // A random delay only spreads the kills over the write loop; correctness does not depend on it.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
  await stop(writer, "SIGKILL");
}

it(`leaves every entry readable after ${KILLS} writers are killed mid-loop`, async () => {
  const dir = join(work, "state");
  let started = 0;
  const killer = async (): Promise<void> => {
    while (started++ < KILLS) await writeUntilKilled(dir);
  };
  await Promise.all(Array.from({ length: PARALLEL }, killer));

  const names = await readdir(dir);
  const entries = names.filter((name) => name.endsWith(".json"));
  expect(entries).toHaveLength(KEYS);
  for (const name of entries) {
    const entry = JSON.parse(await readFile(join(dir, name), "utf8"));
    expect(entry).toMatchObject({ key: expect.stringMatching(/^key\d$/), expiresAt: null });
  }

  const storage = new FileStorage({ dir });
  for (let k = 0; k < KEYS; k++) {
    expect(await storage.get(`key${k}`)).toMatchObject({ i: expect.any(Number) });
  }
  // Some writers died between creating their temporary file and renaming it: the case under test
  // (about one in six here; none at all would mean the kills missed the writes).
  const temporary = async () => (await readdir(dir)).filter((name) => name.endsWith(".tmp"));
  expect((await temporary()).length).toBeGreaterThan(0);
  await storage.sweep(); // removes the temporary files the killed writers left behind
  expect(await temporary()).toEqual([]);
  await storage.close();
}, 60_000);
