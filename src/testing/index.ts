/**
 * Test helpers for bots built with colloquy and for colloquy's own backends.
 *
 * @module
 */

export { type HistoryUnderTest, type TestHistoryOptions, testHistory } from "./history-suite.js";
export { type LockHarness, type LockSuiteOptions, testLock } from "./lock-suite.js";
export { ManualClock } from "./manual-clock.js";
export { ScriptExhaustedError, ScriptedIo, type ScriptedIoOptions } from "./scripted-io.js";
export { type StorageUnderTest, type TestStorageOptions, testStorage } from "./storage-suite.js";
export { type ExpectTranscriptOptions, expectTranscript } from "./transcript.js";
export type { TranscriptPeopleOptions, TranscriptPerson } from "./transcript-people.js";
export { type MessageOverrides, UpdateFactory, type UpdateOrigin } from "./updates.js";
