/**
 * This instance's picture of where the other instances wait, kept from their announcements, so
 * that an update with no remote waiter costs no Redis round trip to find that out.
 *
 * @module
 */

/** Scopes waited on by other instances, each with its owner and the owner's lease. */
export class RemoteWaiters {
  readonly #self: string;
  /** Owner → when its lease runs out (ms since the epoch), unless it announces itself again. */
  readonly #aliveUntil = new Map<string, number>();
  readonly #ownerOf = new Map<string, string>();
  /** Owner → its scopes, so a gone owner is forgotten without a scan. */
  readonly #scopesOf = new Map<string, Set<string>>();

  constructor(self: string) {
    this.#self = self;
  }

  /** Scopes with a remote owner. */
  get size(): number {
    return this.#ownerOf.size;
  }

  /** `owner` was heard from: its lease runs until `untilMs`. */
  seen(owner: string, untilMs: number): void {
    if (owner === this.#self) return;
    if (untilMs > (this.#aliveUntil.get(owner) ?? 0)) this.#aliveUntil.set(owner, untilMs);
  }

  add(owner: string, scope: string): void {
    if (owner === this.#self) return;
    const previous = this.#ownerOf.get(scope);
    if (previous !== undefined) this.#scopesOf.get(previous)?.delete(scope);
    this.#ownerOf.set(scope, owner);
    const scopes = this.#scopesOf.get(owner);
    if (scopes === undefined) this.#scopesOf.set(owner, new Set([scope]));
    else scopes.add(scope);
  }

  /** Removes `scope` if `owner` still holds it: a later owner's announcement wins. */
  remove(owner: string, scope: string): void {
    if (this.#ownerOf.get(scope) !== owner) return;
    this.#ownerOf.delete(scope);
    this.#scopesOf.get(owner)?.delete(scope);
  }

  /** Drops an owner that left or whose lease ran out, with its scopes. */
  forget(owner: string): void {
    this.#aliveUntil.delete(owner);
    for (const scope of this.#scopesOf.get(owner) ?? []) this.#ownerOf.delete(scope);
    this.#scopesOf.delete(owner);
  }

  /** The live remote owner of the first of `scopes` that has one; gone owners are dropped. */
  ownerOf(scopes: readonly string[], nowMs: number): string | undefined {
    for (const scope of scopes) {
      const owner = this.#ownerOf.get(scope);
      if (owner === undefined) continue;
      if ((this.#aliveUntil.get(owner) ?? 0) > nowMs) return owner;
      this.forget(owner);
    }
    return undefined;
  }
}
