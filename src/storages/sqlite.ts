import Database from "better-sqlite3";
import { type Clock, systemClock } from "../clock.js";
import { assertDurationMs } from "../validate.js";
import { type Decide, RecordStorage, type StoredRecord } from "./record-storage.js";
import { startSweeper } from "./sweeper.js";

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /** The database file, created if missing (its directory must exist); `":memory:"` for none. */
  readonly path: string;
  /** Time source for expiry and sweeps; tests pass a `ManualClock`. Default: the system clock. */
  readonly clock?: Clock;
  /** How often expired rows are deleted. Default: 60 000. */
  readonly sweepIntervalMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS colloquy_entries (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS colloquy_entries_expiry
    ON colloquy_entries (expires_at) WHERE expires_at IS NOT NULL;
`;

interface Row {
  readonly json: string;
  readonly version: number;
  readonly expiresAt: number | null;
}

/**
 * A Storage in an embedded SQLite database (better-sqlite3 12): durable, no server, the demo's
 * default. One table, `colloquy_entries (key, value, version, expires_at)`.
 *
 * - The database runs in WAL mode, so readers never wait for the writer.
 * - Compare-and-set checks the version column inside an immediate transaction, so it is atomic
 *   even when several processes share the file.
 * - Expired rows are never returned, and are deleted every `sweepIntervalMs` through the clock.
 *   Call `close()` when done, to close the database and stop sweeping; the sweep timer alone
 *   never keeps the process alive.
 *
 * @example
 * ```ts
 * import { SqliteStorage } from "colloquy/sqlite";
 * const storage = new SqliteStorage({ path: "./.colloquy/bot.db" });
 * ```
 */
export class SqliteStorage extends RecordStorage {
  readonly #db: Database.Database;
  readonly #select: Database.Statement<[string], Row>;
  readonly #transact: (key: string, decide: Decide<unknown>) => unknown;
  readonly #sweep: Database.Statement<[number]>;
  readonly #stopSweeper: () => Promise<void>;

  constructor(options: SqliteStorageOptions) {
    super(options.clock ?? systemClock);
    const { sweepIntervalMs = 60_000 } = options;
    // Checked before the database is opened, so that a bad option leaves no handle behind.
    assertDurationMs("sweepIntervalMs", sweepIntervalMs);
    const db = new Database(options.path);
    this.#db = db;
    db.pragma("journal_mode = WAL");
    // With WAL, NORMAL keeps every committed write through a process crash; only a power loss may
    // drop the last commits, never corrupt the file.
    db.pragma("synchronous = NORMAL");
    db.exec(SCHEMA);
    this.#select = db.prepare<[string], Row>(
      "SELECT value AS json, version, expires_at AS expiresAt FROM colloquy_entries WHERE key = ?",
    );
    const upsert = db.prepare<[string, string, number, number | null]>(
      `INSERT INTO colloquy_entries (key, value, version, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
    );
    const remove = db.prepare<[string]>("DELETE FROM colloquy_entries WHERE key = ?");
    const transaction = db.transaction((key: string, decide: Decide<unknown>) => {
      const change = decide(this.#select.get(key));
      if (change.write === null) remove.run(key);
      else if (change.write !== undefined) {
        const { json, version, expiresAt } = change.write;
        upsert.run(key, json, version, expiresAt);
      }
      return change.result;
    });
    // IMMEDIATE takes the write lock up front: two processes never both read the same version.
    this.#transact = (key, decide) => transaction.immediate(key, decide);
    this.#sweep = db.prepare<[number]>(
      "DELETE FROM colloquy_entries WHERE expires_at IS NOT NULL AND expires_at <= ?",
    );
    this.#stopSweeper = startSweeper(this.clock, sweepIntervalMs, () => this.sweep());
  }

  /** Deletes every expired row now; returns how many. */
  sweep(): number {
    return this.#sweep.run(this.clock.now()).changes;
  }

  protected async readRecord(key: string): Promise<StoredRecord | undefined> {
    return this.#select.get(key);
  }

  protected async updateRecord<R>(key: string, decide: Decide<R>): Promise<R> {
    return this.#transact(key, decide) as R;
  }

  async close(): Promise<void> {
    await this.#stopSweeper();
    if (this.#db.open) this.#db.close();
  }
}
