import { describe, expect, it } from "vitest";
import { DialogStack } from "./dialog-stack.js";

const flow = { label: "flow" };
const ask = { label: "ask" };
const counter = { label: "counter" };
const ann = { userId: 1, key: "chat:1/user:1" };
const bob = { userId: 2, key: "chat:2/user:2" };
const cid = { userId: 3, key: "chat:3/user:3" };

describe("DialogStack", () => {
  it("puts the dialog entered last in front, and the one behind it back when it leaves", () => {
    const stack = new DialogStack();
    stack.enter(ann, flow);
    stack.enter(ann, ask);
    expect(stack.front(ann)).toBe(ask);
    expect(stack.mayTake(ann, flow)).toBe(false);
    stack.leave(ann, ask);
    expect(stack.mayTake(ann, flow)).toBe(true);
    stack.leave(ann, flow);
    expect(stack.size).toBe(0);
    expect(stack.hasUser(ann.userId)).toBe(false);
  });

  it("lets any dialog take the messages of a user in none, and none take those of another's", () => {
    const stack = new DialogStack();
    stack.enter(bob, counter);
    expect(stack.mayTake(ann, counter)).toBe(true);
    stack.enter(ann, flow);
    expect(stack.mayTake(ann, counter)).toBe(false);
  });

  it("entering again moves a dialog to the front; one found in storage goes behind", () => {
    const stack = new DialogStack();
    stack.enter(ann, flow);
    stack.enter(ann, ask);
    stack.enter(ann, flow);
    expect(stack.front(ann)).toBe(flow);
    stack.found(ann, counter);
    stack.found(ann, ask);
    stack.leave(ann, flow);
    expect(stack.front(ann)).toBe(ask);
    stack.leave(ann, ask);
    expect(stack.front(ann)).toBe(counter);
  });

  it("forgets the users entered least recently beyond its bound", () => {
    const stack = new DialogStack(2);
    stack.enter(ann, flow);
    stack.enter(bob, flow);
    stack.enter(ann, ask);
    stack.enter(cid, flow);
    expect(stack.size).toBe(2);
    expect(stack.front(bob)).toBeUndefined();
    expect(stack.hasUser(bob.userId)).toBe(false);
    expect(stack.front(ann)).toBe(ask);
  });
});
