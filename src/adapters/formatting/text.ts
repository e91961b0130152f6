import type { MessageEntity } from "@grammyjs/types";

/** Text with its entities, the way Telegram stores a formatted message. */
export interface FormattedText {
  readonly text: string;
  readonly entities: readonly MessageEntity[];
}

/** An entity being built: its type and extra fields, without a position yet. */
export type EntityStart = Partial<MessageEntity> & Pick<MessageEntity, "type">;

/** `entity` spanning from `offset` to `end`, or nothing when that span would be empty. */
export function closeEntity(entity: EntityStart, offset: number, end: number): MessageEntity[] {
  return end > offset ? [{ ...entity, offset, length: end - offset } as MessageEntity] : [];
}

/** Telegram's order of entities: by offset, an enclosing entity before those inside it. */
export function byPosition(a: MessageEntity, b: MessageEntity): number {
  return a.offset - b.offset || b.length - a.length;
}
