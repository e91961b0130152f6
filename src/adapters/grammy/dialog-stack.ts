/**
 * Who is waiting for each user: the dialogs a user is in, in the order they were entered.
 *
 * @module
 */

/** A dialog kind's token in the stack; its label names it in debug logs. */
export interface Dialog {
  readonly label: string;
}

/** A user in a chat (and topic): whose stack it is. */
export interface Place {
  readonly userId: number;
  /** The user in the chat and topic, as `scopes.userInChat` builds it. */
  readonly key: string;
}

/** A dialog in a stack, with when it was entered (see {@link DialogStack.next}). */
export interface Entered {
  readonly dialog: Dialog;
  readonly at: number;
}

/** How many users' stacks are kept at most (see {@link DialogStack}). */
const MAX_USERS = 100_000;

/** When a dialog found in storage was entered, as far as this process knows: before any other. */
const BEFORE_ALL = 0;

/**
 * Per user in a chat, the dialogs they are in, oldest first: the newest one is in front and takes
 * the user's messages; the others wait their turn. A user with no stack is in no dialog this
 * process knows of. Dialogs are stamped with {@link next}, a counter that pending waits take
 * their stamps from too, so that a wait can be told older or newer than the dialog in front
 * without being in the stack (a stack per waiting user would cost memory per wait).
 *
 * Memory stays bounded: a stack goes when its last dialog leaves, and beyond `max` users the
 * stacks least recently entered are forgotten. A forgotten dialog counts as one found in storage
 * after a restart: entered before any the stack knows of.
 */
export class DialogStack {
  /** In the order the stacks were last entered, so the first is the one to forget. */
  readonly #stacks = new Map<string, { readonly userId: number; readonly dialogs: Entered[] }>();
  /**
   * How many stacks each user id has. Most updates come from users in no dialog: this numeric
   * key turns them away before any key string is built.
   */
  readonly #users = new Map<number, number>();
  readonly #max: number;
  #stamps = BEFORE_ALL;

  constructor(max: number = MAX_USERS) {
    this.#max = max;
  }

  /** A stamp later than every one given before. */
  next(): number {
    return ++this.#stamps;
  }

  /** Whether user `userId` is in some dialog, in any chat. */
  hasUser(userId: number): boolean {
    return this.#users.has(userId);
  }

  /** The dialog in front of the others at `place`, if the user is in any there. */
  front(place: Place): Entered | undefined {
    return this.#stacks.get(place.key)?.dialogs.at(-1);
  }

  /** The user entered `dialog` at `place`: it goes in front (from where it was, if there). */
  enter(place: Place, dialog: Dialog): void {
    const dialogs = this.#stacks.get(place.key)?.dialogs.filter((e) => e.dialog !== dialog) ?? [];
    dialogs.push({ dialog, at: this.next() });
    this.#keep(place, dialogs);
  }

  /**
   * The user is in `dialog` at `place`, as found in storage rather than entered here: unless the
   * stack has it already, it goes behind every other, as entered before them.
   */
  found(place: Place, dialog: Dialog): void {
    const dialogs = this.#stacks.get(place.key)?.dialogs;
    const entered = { dialog, at: BEFORE_ALL };
    if (dialogs === undefined) this.#keep(place, [entered]);
    else if (!dialogs.some((e) => e.dialog === dialog)) dialogs.unshift(entered);
  }

  /** The user left `dialog` at `place`: the one behind it, if any, is in front again. */
  leave(place: Place, dialog: Dialog): void {
    const dialogs = this.#stacks.get(place.key)?.dialogs;
    const at = dialogs?.findIndex((e) => e.dialog === dialog) ?? -1;
    if (dialogs === undefined || at < 0) return;
    dialogs.splice(at, 1);
    if (dialogs.length === 0) this.#drop(place.key, place.userId);
  }

  /** Keeps `dialogs` as the stack entered last, forgetting the least recent beyond the bound. */
  #keep({ key, userId }: Place, dialogs: Entered[]): void {
    if (this.#stacks.has(key)) this.#drop(key, userId);
    this.#stacks.set(key, { userId, dialogs });
    this.#users.set(userId, (this.#users.get(userId) ?? 0) + 1);
    if (this.#stacks.size <= this.#max) return;
    const oldest = this.#stacks.entries().next();
    if (oldest.done !== true) this.#drop(oldest.value[0], oldest.value[1].userId);
  }

  #drop(key: string, userId: number): void {
    this.#stacks.delete(key);
    const count = (this.#users.get(userId) ?? 0) - 1;
    if (count > 0) this.#users.set(userId, count);
    else this.#users.delete(userId);
  }
}
