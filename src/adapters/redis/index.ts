/**
 * colloquy on Redis: locks, storage and (later) per-update coordination shared by every instance
 * of a bot. Pass in an ioredis client: `new RedisLock({ client: new Redis(url) })`.
 *
 * @module
 */

export { RedisCoordinator, type RedisCoordinatorOptions } from "../../coordinators/redis.js";
export {
  type CrossInstanceAsks,
  type CrossInstanceAsksOptions,
  type CrossInstanceStats,
  crossInstanceAsks,
  type UpdateSink,
} from "../../crossinstance/asks.js";
export { RedisLock, type RedisLockOptions } from "../../locks/redis.js";
export { RedisStorage, type RedisStorageOptions } from "../../storages/redis.js";
