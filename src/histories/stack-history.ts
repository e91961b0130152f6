import type { Clock } from "../clock.js";
import type { History, HistoryEntry, HistoryLimits, HistoryRecord } from "../history.js";
import type { JsonValue } from "../json.js";
import {
  assertScope,
  backRecord,
  checkLimits,
  copyOf,
  copyRecord,
  type Limits,
  newRecord,
  popRecord,
  pushRecord,
  type StackChange,
} from "./records.js";

/**
 * The History operations, written once over a scope's records: a backend only reads them and
 * changes them atomically. Scopes are checked, records built and copied here.
 */
export abstract class StackHistory implements History {
  protected readonly limits: Limits;
  protected readonly clock: Clock;

  constructor(limits: HistoryLimits, clock: Clock) {
    this.limits = checkLimits(limits);
    this.clock = clock;
  }

  /** The scope's live records, oldest first; callers copy before handing them out. */
  protected abstract readRecords(scope: string): Promise<readonly HistoryRecord[]>;

  /**
   * Applies `change` to the scope's records, atomically: it returns the same array to write
   * nothing, an empty one to forget the scope. Every write restarts the scope's TTL.
   */
  protected abstract changeRecords<R>(
    scope: string,
    change: (records: readonly HistoryRecord[]) => StackChange<R>,
  ): Promise<R>;

  /** Forgets the scope. */
  protected abstract forget(scope: string): Promise<void>;

  async push<D extends JsonValue = null>(
    scope: string,
    entry: HistoryEntry<D>,
  ): Promise<HistoryRecord<D>> {
    assertScope(scope);
    const record = newRecord(entry, this.clock.now());
    await this.changeRecords(scope, pushRecord(record, this.limits));
    return copyRecord(record);
  }

  async peek<D extends JsonValue = JsonValue>(
    scope: string,
  ): Promise<HistoryRecord<D> | undefined> {
    assertScope(scope);
    return copyOf<D>((await this.readRecords(scope)).at(-1));
  }

  async pop<D extends JsonValue = JsonValue>(scope: string): Promise<HistoryRecord<D> | undefined> {
    assertScope(scope);
    return copyOf<D>(await this.changeRecords(scope, popRecord));
  }

  async back<D extends JsonValue = JsonValue>(
    scope: string,
  ): Promise<HistoryRecord<D> | undefined> {
    assertScope(scope);
    return copyOf<D>(await this.changeRecords(scope, backRecord));
  }

  async list(scope: string): Promise<HistoryRecord[]> {
    assertScope(scope);
    return (await this.readRecords(scope)).map(copyRecord);
  }

  async clear(scope: string): Promise<void> {
    assertScope(scope);
    await this.forget(scope);
  }
}
