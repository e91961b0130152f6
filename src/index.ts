/**
 * colloquy's platform-neutral core: no grammY import and no Node-only API.
 * The grammY plugin lives in `colloquy/grammy`; backends in `colloquy/file`, `colloquy/sqlite`
 * and `colloquy/redis`; test helpers in `colloquy/testing`.
 *
 * @module
 */

export {
  type CaptureCriteria,
  type CaptureFields,
  type CaptureItems,
  type CapturePredicate,
  type CaptureShape,
  capture,
} from "./capture.js";
export { type CancelTimer, type Clock, systemClock, type TimerOptions } from "./clock.js";
export * from "./conversations/errors.js";
export {
  type Claim,
  type ClaimKeyOptions,
  type ClaimKeys,
  type ClaimOptions,
  type ClaimOutcome,
  type Coordinator,
  type CoordinatorOptions,
  claimKeys,
  type IdentityMode,
} from "./coordinator.js";
export { createCoordinator, type MemoryCoordinatorOptions } from "./coordinators/memory.js";
export { type AnswerCompute, type AnswerDeliver, Answerer } from "./delegation/answerer.js";
export { type DelegateFactory, toDelegateFunction } from "./delegation/handler.js";
export { OrderedQueue, type OrderedQueueOptions } from "./delegation/ordered-queue.js";
export { DelegateRegistry, type DelegateRegistryOptions } from "./delegation/registry.js";
export {
  type OneOffSeed,
  type Seed,
  type Seeder,
  type SeedFn,
  seeders,
  seedLabel,
} from "./delegation/seeders.js";
export type {
  CloseReason,
  DelegateClass,
  DelegateControl,
  DelegateFunction,
  DelegateHandle,
  DelegateHandler,
  Delivery,
  Inbox,
  ReceiveOptions,
  ScheduledEvent,
} from "./delegation/types.js";
export * from "./errors.js";
export { MemoryHistory, type MemoryHistoryOptions } from "./histories/memory.js";
export { StorageHistory, type StorageHistoryOptions } from "./histories/storage.js";
export type { History, HistoryEntry, HistoryLimits, HistoryRecord } from "./history.js";
export { type RunStatesOptions, runStates } from "./io/run-states.js";
export { type Exit, exit, isExit, type State } from "./io/states.js";
export { createTextIo, matchChoice, type TextChannel, tryAgainText } from "./io/text-io.js";
export type { Io, IoCallOptions } from "./io.js";
export { assertJson, type JsonObject, type JsonValue } from "./json.js";
export {
  kindOf,
  type Scope,
  scopes,
  type UpdateKeys,
  type UpdateKind,
  updateKeys,
} from "./keys.js";
export type { WaitMatch } from "./listeners/match.js";
export {
  type CancelSelector,
  ListenerRegistry,
  type ListenerRegistryOptions,
  type ListenerStats,
  type Offer,
  type WaitOptions,
} from "./listeners/registry.js";
export {
  type AcquireOptions,
  type Lease,
  type Lock,
  type WithLockOptions,
  withLock,
} from "./lock.js";
export { MemoryLock, type MemoryLockOptions } from "./locks/memory.js";
export * from "./nodes/index.js";
export {
  type SetStateOptions,
  type StateName,
  type StateSnapshot,
  StateStore,
  type StateStoreOptions,
  type StateWriteOptions,
} from "./state/state-store.js";
export { type Step, type StepHandler, type StepRef, StepRegistry } from "./state/steps.js";
export type {
  CompareAndSetResult,
  Storage,
  StorageEntry,
  TouchOptions,
  WriteOptions,
} from "./storage.js";
export {
  type BridgedEntry,
  type FromGrammyStorageOptions,
  fromGrammyStorage,
  type GrammyStorageAdapter,
  type GrammyStorageLike,
  type ToGrammyStorageOptions,
  toGrammyStorage,
} from "./storages/grammy-bridge.js";
export { MemoryStorage, type MemoryStorageOptions } from "./storages/memory.js";
export * from "./webhook-errors.js";
