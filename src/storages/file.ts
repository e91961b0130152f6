import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type Clock, systemClock } from "../clock.js";
import { KeyedMutex } from "../keyed-mutex.js";
import {
  type Decide,
  type Envelope,
  isEnvelope,
  RecordStorage,
  type StoredRecord,
} from "./record-storage.js";
import { startSweeper } from "./sweeper.js";

/** Options of {@link FileStorage}. */
export interface FileStorageOptions {
  /** The directory that holds one file per key; created if missing. */
  readonly dir: string;
  /** Time source for expiry and sweeps; tests pass a `ManualClock`. Default: the system clock. */
  readonly clock?: Clock;
  /** How often expired entries and abandoned temporary files are removed. Default: 60 000. */
  readonly sweepIntervalMs?: number;
}

/** The file layout: the entry's bookkeeping beside its value, never inside it. */
interface FileEntry extends Envelope {
  readonly key: string;
}

const ENTRY_SUFFIX = ".json";
const TEMP_FILE = /^\.[0-9a-f]{64}\.(\d+)\.\d+\.tmp$/;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

function isEntry(parsed: unknown): parsed is FileEntry {
  return isEnvelope(parsed) && typeof (parsed as Partial<FileEntry>).key === "string";
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A Storage with one JSON file per key in a directory: no server, readable with any editor, for
 * single-instance bots and the demo.
 *
 * - File names are the SHA-256 of the key, so no key (`../x`, `/etc/passwd`, `CON`) can leave `dir`
 *   or collide on a case-insensitive file system. The key is kept inside the file for inspection.
 * - Writes are atomic: a temporary file is written, flushed to disk (fsync) and renamed over the
 *   entry, so a crash or `kill -9` leaves the old or the new entry, never a torn one.
 * - Expiry and version are kept beside the value: `{ key, version, expiresAt, value }`.
 * - Writes to a key are serialised within this process, which makes compare-and-set atomic here.
 *   Several processes may read one directory, but only one should write it: compare-and-set is not
 *   atomic across processes (use `SqliteStorage` or `RedisStorage` for that).
 * - Expired entries are never returned, and their files are deleted every `sweepIntervalMs`.
 *   Call `close()` when done, to stop sweeping; the sweep timer alone never keeps the process
 *   alive.
 *
 * @example
 * ```ts
 * import { FileStorage } from "colloquy/file";
 * const storage = new FileStorage({ dir: "./.colloquy/state" });
 * ```
 */
export class FileStorage extends RecordStorage {
  /** The directory the entries live in. */
  readonly dir: string;
  readonly #mutex = new KeyedMutex();
  readonly #stopSweeper: () => Promise<void>;
  #tempCounter = 0;

  constructor(options: FileStorageOptions) {
    super(options.clock ?? systemClock);
    this.dir = options.dir;
    mkdirSync(this.dir, { recursive: true });
    this.#stopSweeper = startSweeper(this.clock, options.sweepIntervalMs ?? 60_000, () =>
      this.sweep(),
    );
  }

  /** The path of the file that holds `key`, inside {@link dir} whatever the key. */
  pathOf(key: string): string {
    return join(this.dir, this.#nameOf(key) + ENTRY_SUFFIX);
  }

  /** Removes expired entries, and temporary files left by processes that died mid-write. */
  async sweep(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (name.endsWith(ENTRY_SUFFIX)) await this.#sweepEntry(join(this.dir, name));
      const temp = TEMP_FILE.exec(name);
      if (temp !== null && !isProcessAlive(Number(temp[1]))) {
        await unlink(join(this.dir, name)).catch(() => {});
      }
    }
  }

  protected async readRecord(key: string): Promise<StoredRecord | undefined> {
    const entry = await this.#readFile(this.pathOf(key));
    if (entry === undefined) return undefined;
    return {
      json: JSON.stringify(entry.value),
      version: entry.version,
      expiresAt: entry.expiresAt,
    };
  }

  protected updateRecord<R>(key: string, decide: Decide<R>): Promise<R> {
    return this.#mutex.run(key, async () => {
      const change = decide(await this.readRecord(key));
      if (change.write === null) await this.#remove(this.pathOf(key));
      else if (change.write !== undefined) await this.#write(key, change.write);
      return change.result;
    });
  }

  /** Stops sweeping and resolves once the writes in progress are on disk. */
  async close(): Promise<void> {
    await this.#stopSweeper();
    await this.#mutex.idle();
  }

  #nameOf(key: string): string {
    return createHash("sha256").update(key).digest("hex");
  }

  async #readFile(path: string): Promise<FileEntry | undefined> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!isEntry(parsed)) {
      throw new Error(
        `${path} is not a colloquy FileStorage entry ({ key, version, expiresAt, value }). ` +
          "Keep other files out of the storage directory.",
      );
    }
    return parsed;
  }

  async #write(key: string, record: StoredRecord): Promise<void> {
    const name = this.#nameOf(key);
    const temp = join(this.dir, `.${name}.${process.pid}.${this.#tempCounter++}.tmp`);
    const text = `{"key":${JSON.stringify(key)},"version":${record.version},"expiresAt":${record.expiresAt},"value":${record.json}}`;
    try {
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(this.dir, name + ENTRY_SUFFIX));
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  async #remove(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async #sweepEntry(path: string): Promise<void> {
    const entry = await this.#readFile(path).catch(() => undefined);
    if (entry === undefined) return;
    const { key } = entry;
    if (!this.isLive(entry)) await this.removeIfExpired(key);
  }
}
