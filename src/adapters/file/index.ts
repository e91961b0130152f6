/**
 * colloquy's file storage: one JSON file per key in a directory of your choice.
 *
 * @module
 */
export { FileStorage, type FileStorageOptions } from "../../storages/file.js";
