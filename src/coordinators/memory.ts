import { type CancelTimer, systemClock } from "../clock.js";
import {
  type Claim,
  type ClaimOptions,
  type Coordinator,
  type CoordinatorOptions,
  checkCoordinatorOptions,
} from "../coordinator.js";
import { LockTimeoutError } from "../errors.js";
import { ExpiringMap } from "../expiring-map.js";
import { assertPositiveInteger } from "../validate.js";
import { HeldClaim } from "./claim.js";
import { DueList } from "./due-list.js";

/** Options of {@link createCoordinator}. */
export interface MemoryCoordinatorOptions extends CoordinatorOptions {
  /**
   * The most handled markers kept; beyond it the oldest go first, so memory stays bounded however
   * busy the bot is. The scopes' last handled orders are bounded the same way. Default: 100 000.
   */
  readonly maxMarkers?: number;
}

/** A claim waiting for its scope; `order` is `Infinity` for claims without one. */
interface Waiter {
  readonly order: number;
  /** Hands the scope over; `false` when the waiter no longer wants it (its update was handled). */
  take(): boolean;
}

/** A leased scope: who holds it, and who waits, sorted by order then arrival. */
interface Slot {
  holder: object | undefined;
  cancelExpiry: CancelTimer;
  readonly waiters: Waiter[];
}

/**
 * A {@link Coordinator} for the instances of a bot that share one process (several clients that
 * see the same updates, tests, a single webhook server). Waiting claims are woken as soon as
 * their scope is free, lowest `order` first. For several processes use `RedisCoordinator` from
 * `colloquy/redis`.
 *
 * @example
 * ```ts
 * import { createCoordinator } from "colloquy";
 * import { coordinate } from "colloquy/grammy";
 *
 * const coordinator = createCoordinator();
 * for (const bot of [first, second]) bot.use(coordinate(coordinator, { identity: "message" }));
 * ```
 */
export function createCoordinator(options: MemoryCoordinatorOptions = {}): Coordinator {
  const { leaseMs, waitMs, markerTtlMs } = checkCoordinatorOptions(options);
  const clock = options.clock ?? systemClock;
  const dues = new DueList(clock);
  const maxMarkers = options.maxMarkers ?? 100_000;
  assertPositiveInteger("maxMarkers", maxMarkers);
  const markers = new ExpiringMap<true>(clock, markerTtlMs, maxMarkers);
  /** Per scope, the highest order handled: what makes a claim late. */
  const lastOrders = new ExpiringMap<number>(clock, markerTtlMs, maxMarkers);
  const slots = new Map<string, Slot>();

  /** Gives `slot` to its first waiter that still wants it, or forgets it. */
  const vacate = (scope: string, slot: Slot) => {
    slot.cancelExpiry();
    slot.holder = undefined;
    for (let next = slot.waiters.shift(); next !== undefined; next = slot.waiters.shift()) {
      if (next.take()) return;
    }
    slots.delete(scope);
  };

  const grant = (identity: string, scope: string, slot: Slot, order?: number): Claim => {
    const holder = {};
    const arm = (ms: number) => {
      slot.cancelExpiry();
      // An expired lease frees the scope; the claim's own deadline aborts its signal.
      // Housekeeping: whoever waits for the scope keeps the process alive by waiting.
      slot.cancelExpiry = clock.setTimer(ms, () => vacate(scope, slot), { keepAlive: false });
    };
    slot.holder = holder;
    arm(leaseMs);
    const holds = () => slot.holder === holder;
    const hold = {
      extend: async (ms: number) => {
        if (holds()) arm(ms);
        return holds();
      },
      finish: async (handled: boolean) => {
        if (handled) {
          markers.set(identity, true);
          const last = lastOrders.get(scope);
          if (order !== undefined && (last === undefined || order > last)) {
            lastOrders.set(scope, order);
          }
        }
        if (holds()) vacate(scope, slot);
      },
    };
    const last = order === undefined ? undefined : lastOrders.get(scope);
    const late = order !== undefined && last !== undefined && order < last;
    return new HeldClaim(hold, { identity, scope, leaseMs, dues, grantedAt: clock.now(), late });
  };

  return {
    async claim(identity, scope, claimOptions: ClaimOptions = {}) {
      if (markers.get(identity)) return undefined;
      const { order } = claimOptions;
      const slot = slots.get(scope);
      if (slot === undefined) {
        const fresh: Slot = { holder: undefined, cancelExpiry: () => {}, waiters: [] };
        slots.set(scope, fresh);
        return grant(identity, scope, fresh, order);
      }
      return new Promise<Claim | undefined>((resolve, reject) => {
        const waiter: Waiter = {
          order: order ?? Number.POSITIVE_INFINITY,
          take() {
            cancelWait();
            // The holder we waited for may have handled this very update (a duplicate delivery).
            if (markers.get(identity)) {
              resolve(undefined);
              return false;
            }
            resolve(grant(identity, scope, slot, order));
            return true;
          },
        };
        const cancelWait = clock.setTimer(waitMs, () => {
          slot.waiters.splice(slot.waiters.indexOf(waiter), 1);
          reject(new LockTimeoutError(scope, waitMs));
        });
        // Usually the last place; a later update with a lower order moves ahead of it.
        let at = slot.waiters.length;
        while (at > 0 && (slot.waiters[at - 1]?.order ?? 0) > waiter.order) at--;
        slot.waiters.splice(at, 0, waiter);
      });
    },
  };
}
