import { describe, expect, it } from "vitest";
import { InvalidArgumentError, NonJsonValueError, UnknownStepError } from "../errors.js";
import { MemoryStorage } from "../storages/memory.js";
import { StateStore } from "./state-store.js";
import { StepRegistry } from "./steps.js";

interface Ctx {
  readonly said: string[];
}

describe("StepRegistry", () => {
  it("runs a step by reference, with the arguments bound to it", async () => {
    const steps = new StepRegistry<Ctx>();
    const greet = steps.register("greet", (ctx, name: string, times: number) => {
      ctx.said.push(`hello ${name} x${times}`);
      return "done";
    });
    const ctx: Ctx = { said: [] };
    expect(greet.with("Ann", 2)).toEqual({ name: "greet", args: ["Ann", 2] });
    expect(await steps.run(greet.with("Ann", 2), ctx)).toBe("done");
    expect(steps.ref("greet")).toEqual({ name: "greet" });
    expect(ctx.said).toEqual(["hello Ann x2"]);
  });

  it("resolves names only among registered steps, never by dynamic lookup", async () => {
    const steps = new StepRegistry<Ctx>();
    steps.register("known", () => {});
    for (const name of ["missing", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      await expect(steps.run(name, { said: [] })).rejects.toThrow(UnknownStepError);
      expect(() => steps.ref(name)).toThrow(UnknownStepError);
      expect(steps.has(name)).toBe(false);
    }
    await expect(steps.run({ name: "missing" }, { said: [] })).rejects.toMatchObject({
      step: "missing",
      message: expect.stringContaining("known"),
    });
  });

  it("refuses a name twice, an empty name, and non-JSON arguments", () => {
    const steps = new StepRegistry();
    const step = steps.register("a", (_ctx, _at: unknown) => {});
    expect(() => steps.register("a", () => {})).toThrow(InvalidArgumentError);
    expect(() => steps.register("", () => {})).toThrow(InvalidArgumentError);
    expect(() => step.with(new Date())).toThrow(NonJsonValueError);
    expect(steps.names).toEqual(["a"]);
  });

  it("runs a back step that went through storage as a name and JSON arguments", async () => {
    const steps = new StepRegistry<Ctx>();
    const askAge = steps.register("askAge", (ctx, name: string) => {
      ctx.said.push(`How old are you, ${name}?`);
    });
    const storage = new MemoryStorage();
    const state = new StateStore(storage, { steps });
    await state.setState("user:7", "askCity", { back: askAge.with("Ann") });
    expect(await storage.get("colloquy:state:user:7")).toEqual({
      state: "askCity",
      back: { name: "askAge", args: ["Ann"] },
    });

    const ctx: Ctx = { said: [] };
    const back = (await new StateStore(storage).getState("user:7"))?.back;
    if (back !== undefined) await steps.run(back, ctx);
    expect(ctx.said).toEqual(["How old are you, Ann?"]);
  });

  it("lets a StateStore with a registry refuse unknown back and next steps when written", async () => {
    const steps = new StepRegistry<Ctx>();
    const state = new StateStore(new MemoryStorage(), { steps });
    await expect(state.setState("k", "s", { back: "typo" })).rejects.toThrow(UnknownStepError);
    await expect(state.setNextStep("k", { name: "typo" })).rejects.toThrow(UnknownStepError);
    expect(await state.getState("k")).toBeUndefined();
  });
});
