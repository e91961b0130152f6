import { describe, expect, it } from "vitest";
import { DialogStack } from "./dialog-stack.js";

const flow = { label: "flow" };
const step = { label: "step" };
const counter = { label: "counter" };
const ann = { userId: 1, key: "chat:1/user:1" };
const annInGroup = { userId: 1, key: "chat:-100/user:1" };
const bob = { userId: 2, key: "chat:2/user:2" };
const cid = { userId: 3, key: "chat:3/user:3" };

describe("DialogStack", () => {
  it("puts the dialog entered last in front, and the one behind it back when it leaves", () => {
    const stack = new DialogStack();
    stack.enter(ann, flow);
    stack.enter(ann, step);
    expect(stack.front(ann)?.dialog).toBe(step);
    stack.leave(ann, step);
    expect(stack.front(ann)?.dialog).toBe(flow);
    stack.leave(ann, flow);
    expect(stack.front(ann)).toBeUndefined();
    expect(stack.hasUser(ann.userId)).toBe(false);
  });

  it("stamps what is entered later with a later stamp, from the counter waits use too", () => {
    const stack = new DialogStack();
    const before = stack.next();
    stack.enter(ann, flow);
    const stamp = stack.front(ann)?.at ?? 0;
    expect(stamp).toBeGreaterThan(before);
    expect(stack.next()).toBeGreaterThan(stamp);
  });

  it("entering again moves a dialog to the front; one found in storage goes behind, stamped 0", () => {
    const stack = new DialogStack();
    stack.enter(ann, flow);
    stack.enter(ann, step);
    stack.enter(ann, flow);
    expect(stack.front(ann)?.dialog).toBe(flow);
    stack.found(ann, counter);
    stack.found(ann, step);
    stack.leave(ann, flow);
    expect(stack.front(ann)?.dialog).toBe(step);
    stack.leave(ann, step);
    expect(stack.front(ann)).toEqual({ dialog: counter, at: 0 });
  });

  it("tells whether a user is in a dialog in any chat, by id", () => {
    const stack = new DialogStack();
    stack.enter(ann, flow);
    stack.enter(annInGroup, counter);
    stack.leave(ann, flow);
    expect(stack.hasUser(1)).toBe(true);
    stack.leave(annInGroup, counter);
    expect(stack.hasUser(1)).toBe(false);
  });

  it("forgets the users entered least recently beyond its bound", () => {
    const stack = new DialogStack(2);
    stack.enter(ann, flow);
    stack.enter(bob, flow);
    stack.enter(ann, step);
    stack.enter(cid, flow);
    expect(stack.front(bob)).toBeUndefined();
    expect(stack.hasUser(bob.userId)).toBe(false);
    expect(stack.front(ann)?.dialog).toBe(step);
    expect(stack.front(cid)?.dialog).toBe(flow);
  });
});
