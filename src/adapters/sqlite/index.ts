/**
 * colloquy's SQLite storage on better-sqlite3: the embedded default for a single process.
 *
 * @module
 */
export { SqliteStorage, type SqliteStorageOptions } from "../../storages/sqlite.js";
