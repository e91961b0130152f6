import { describe, expect, it } from "vitest";
import { claimKeys } from "../../src/coordinator.js";
import { createCoordinator } from "../../src/coordinators/memory.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { scopes } from "../../src/keys.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { coordinatorContract } from "./contract.js";

coordinatorContract("createCoordinator", async () => {
  const clock = new ManualClock();
  return { clock, make: (options) => createCoordinator({ ...options, clock }) };
});

describe("createCoordinator", () => {
  it("keeps at most maxMarkers handled markers, dropping the oldest first", async () => {
    const coordinator = createCoordinator({ clock: new ManualClock(), maxMarkers: 2 });
    for (const id of ["u1", "u2", "u3"]) {
      await (await coordinator.claim(id, id))?.finish("handled");
    }
    expect(await coordinator.claim("u3", "u3")).toBeUndefined();
    expect(await coordinator.claim("u2", "u2")).toBeUndefined();
    const forgotten = await coordinator.claim("u1", "u1");
    expect(forgotten).toBeDefined();
    await forgotten?.finish("released");
  });

  it("keeps at most maxMarkers scopes' last handled orders, dropping the oldest first", async () => {
    const coordinator = createCoordinator({ clock: new ManualClock(), maxMarkers: 2 });
    for (const scope of ["s1", "s2", "s3"]) {
      await (await coordinator.claim(`${scope}/u10`, scope, { order: 10 }))?.finish("handled");
    }
    const forgotten = await coordinator.claim("s1/u1", "s1", { order: 1 });
    expect(forgotten?.late).toBe(false);
    await forgotten?.finish("released");
    const kept = await coordinator.claim("s3/u1", "s3", { order: 1 });
    expect(kept?.late).toBe(true);
    await kept?.finish("released");
  });

  it("aborts a held claim's signal with LeaseLostError when its lease runs out", async () => {
    const clock = new ManualClock();
    const coordinator = createCoordinator({ clock, leaseMs: 300 });
    const claim = await coordinator.claim("u1", "s");
    // Time jumps past the lease before any extension could run: a stalled holder.
    clock.advance(1_000);
    expect(claim?.signal.reason).toMatchObject({ code: "LEASE_LOST", key: "s" });
    expect(clock.pendingTimers).toBe(0);
  });

  it("leaves no timer behind once every claim finished", async () => {
    const clock = new ManualClock();
    const coordinator = createCoordinator({ clock });
    const claim = await coordinator.claim("u1", "s");
    expect(clock.pendingTimers).toBeGreaterThan(0);
    await claim?.finish("handled");
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses durations that are not positive", () => {
    expect(() => createCoordinator({ leaseMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => createCoordinator({ waitMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => createCoordinator({ markerTtlMs: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => createCoordinator({ maxMarkers: 0 })).toThrow(InvalidArgumentError);
  });
});

describe("claimKeys", () => {
  const group = { id: -100, type: "supergroup" as const, title: "g" };
  const ann = { id: 7, is_bot: false, first_name: "Ann" };

  it("identifies by bot id and update_id, leasing the bot's chat, ordered by update_id", () => {
    const update = new UpdateFactory({ chat: group, from: ann }, 50).text("hi");
    expect(claimKeys(update, 1)).toEqual({
      identity: "bot:1/update:50",
      scope: "bot:1/chat:-100",
      order: 50,
    });
    expect(claimKeys(update, 1, { scope: scopes.userInChat })).toEqual({
      identity: "bot:1/update:50",
      scope: "bot:1/chat:-100/user:7",
      order: 50,
    });
  });

  it("with message identity, gives the same keys to every client that sees a message", () => {
    const first = new UpdateFactory({ chat: group, from: ann }, 50).text("hi");
    const second = new UpdateFactory({ chat: group, from: ann }, 9_000).text("hi");
    const keys = claimKeys(first, 1, { identity: "message" });
    expect(keys).toEqual({ identity: "chat:-100/message:1001", scope: "chat:-100", order: 1001 });
    expect(claimKeys(second, 2, { identity: "message" })).toEqual(keys);
  });

  it("tells edits of one message apart, and falls back to update_id for other kinds, unordered", () => {
    const updates = new UpdateFactory({ chat: group, from: ann }, 50);
    const edit = claimKeys(updates.edited("hi!", 1001), 1, { identity: "message" });
    expect(edit.identity).toMatch(/^chat:-100\/message:1001\/edit:\d+$/);
    expect(edit.order).toBeUndefined();
    const press = claimKeys(updates.press("ok", 1001), 1, { identity: "message" });
    expect(press).toEqual({ identity: "bot:1/update:51", scope: "chat:-100" });
  });

  it("leases the update itself when it has no chat", () => {
    const update = { update_id: 5, inline_query: { id: "q", from: ann, query: "", offset: "" } };
    expect(claimKeys(update, 1)).toEqual({
      identity: "bot:1/update:5",
      scope: "bot:1/update:5",
      order: 5,
    });
  });
});
