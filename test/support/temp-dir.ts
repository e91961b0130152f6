/**
 * A fresh directory under the system's temp dir, for tests and benchmarks that need real files.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp directory and how to remove it with everything in it. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** Makes a directory named `colloquy-<prefix>-…` under the system's temp dir. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `colloquy-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
