/**
 * The Lua scripts of `RedisCoordinator`. Each is one round trip; a claim and its finish are the
 * two round trips of an update on the happy path.
 *
 * CLAIM and FINISH are bodies run once per call of a batch (see src/redis/script-batch.ts); their
 * `*_SHAPE` says how many keys and arguments one call takes.
 *
 * @module
 */

/** What {@link CLAIM} answered, as the first element; anything else means busy. */
export const HANDLED = 0;
export const CLAIMED = 1;

/**
 * KEYS: marker, lease, queue (owner → order), alive (owner → when it stops counting), last
 * (the scope's last handled order).
 * ARGV: owner, leaseMs, staleMs, order ("" for none).
 * Returns `{HANDLED}`, `{CLAIMED, late}` (late: 1 when the order is below the scope's last
 * handled one, else 0), or `{BUSY, lease's pttl}`. While anyone waits, a claim joins
 * the queue and the scope goes to the queue's head: lowest order first, then claims without one
 * by arrival (their score is Redis's clock in microseconds, above any order). A waiter that stops
 * polling for `staleMs` (its instance stopped) is dropped from the queue.
 */
export const CLAIM = `
local function late()
  if ARGV[4] == "" then return 0 end
  local last = redis.call("get", KEYS[5])
  if last and tonumber(ARGV[4]) < tonumber(last) then return 1 end
  return 0
end
-- One EXISTS asks for both the marker and the queue: on the usual path neither is there.
local found = redis.call("exists", KEYS[1], KEYS[3])
if found > 0 and redis.call("exists", KEYS[1]) == 1 then
  if redis.call("zrem", KEYS[3], ARGV[1]) == 1 then redis.call("zrem", KEYS[4], ARGV[1]) end
  return {0}
end
local queued = found > 0
if not queued and redis.call("set", KEYS[2], ARGV[1], "PX", ARGV[2], "NX") then return {1, late()} end
local t = redis.call("time")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if queued then
  for _, gone in ipairs(redis.call("zrangebyscore", KEYS[4], "-inf", now)) do
    redis.call("zrem", KEYS[3], gone)
    redis.call("zrem", KEYS[4], gone)
  end
end
local score = ARGV[4]
if score == "" then score = t[1] .. string.format("%06d", tonumber(t[2])) end
redis.call("zadd", KEYS[3], "NX", score, ARGV[1])
redis.call("zadd", KEYS[4], now + tonumber(ARGV[3]), ARGV[1])
if redis.call("zrange", KEYS[3], 0, 0)[1] == ARGV[1]
  and redis.call("set", KEYS[2], ARGV[1], "PX", ARGV[2], "NX") then
  redis.call("zrem", KEYS[3], ARGV[1])
  redis.call("zrem", KEYS[4], ARGV[1])
  return {1, late()}
end
redis.call("pexpire", KEYS[3], ARGV[3])
redis.call("pexpire", KEYS[4], ARGV[3])
return {2, redis.call("pttl", KEYS[2])}
`;

/** How many keys and arguments one call of {@link CLAIM} takes. */
export const CLAIM_SHAPE = { keys: 5, args: 4 } as const;

/**
 * KEYS: marker, lease, last. ARGV: owner, "1" to leave the handled marker, markerTtlMs, order
 * ("" for none).
 * The marker is left even when the lease was lost: the update was handled all the same. A handled
 * update's order becomes the scope's last handled one when it is above it (kept for markerTtlMs
 * too, so it goes with the scope's markers). The lease is deleted only if it is still the owner's,
 * never the next holder's.
 */
export const FINISH = `
if ARGV[2] == "1" then
  redis.call("set", KEYS[1], "1", "PX", ARGV[3])
  if ARGV[4] ~= "" then
    local last = redis.call("get", KEYS[3])
    if not last or tonumber(ARGV[4]) > tonumber(last) then
      redis.call("set", KEYS[3], ARGV[4], "PX", ARGV[3])
    end
  end
end
if redis.call("get", KEYS[2]) == ARGV[1] then return redis.call("del", KEYS[2]) end
return 0
`;

/** How many keys and arguments one call of {@link FINISH} takes. */
export const FINISH_SHAPE = { keys: 3, args: 4 } as const;

/** KEYS: lease. ARGV: owner, leaseMs. Returns 1 when the owner still held it. */
export const EXTEND = `
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS: queue, alive. ARGV: owner. A waiter that gives up leaves the queue. */
export const LEAVE = `
redis.call("zrem", KEYS[1], ARGV[1])
return redis.call("zrem", KEYS[2], ARGV[1])
`;
