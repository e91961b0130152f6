import fc from "fast-check";

/** How a holder ends: releases, never releases (a crash), extends once midway, or uses withLock. */
export type Ending = "release" | "crash" | "extend" | "withLock";

/** One holder's part in a property run, in milliseconds. */
export interface Plan {
  readonly startMs: number;
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly workMs: number;
  readonly ending: Ending;
}

/** Three or four holders racing for one key; `maxMs` bounds every duration. */
export function plans(maxMs: number, endings: readonly Ending[]): fc.Arbitrary<Plan[]> {
  const ms = (min: number) => fc.integer({ min, max: maxMs });
  const plan = fc.record({
    startMs: fc.integer({ min: 0, max: Math.floor(maxMs / 4) }),
    leaseMs: ms(Math.ceil(maxMs / 3)),
    waitMs: ms(0),
    workMs: ms(Math.ceil(maxMs / 4)),
    ending: fc.constantFrom(...endings),
  });
  return fc.array(plan, { minLength: 3, maxLength: 4 });
}
