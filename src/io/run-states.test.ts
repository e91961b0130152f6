import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../errors.js";
import type { Io } from "../io.js";
import { ScriptedIo } from "../testing/scripted-io.js";
import { runStates } from "./run-states.js";
import { exit, type State } from "./states.js";

/** Counts to `limit`, printing each number, then exits with the count. */
const counter = (n: number, limit: number): State<number> => ({
  name: "counter",
  async run(io) {
    await io.print(String(n));
    return n < limit ? counter(n + 1, limit) : exit(n);
  },
});

describe("runStates", () => {
  it("runs states in turn and resolves with the exit value", async () => {
    const io = new ScriptedIo();
    await expect(runStates(counter(1, 3), io)).resolves.toBe(3);
    expect(io.transcript).toEqual(["1", "2", "3"]);
  });

  it("a state may return itself to repeat", async () => {
    const io = new ScriptedIo(["", "", "Ann"]);
    const askName: State<string> = {
      async run(io) {
        const name = await io.input("Name?");
        return name === "" ? askName : exit(name);
      },
    };
    await expect(runStates(askName, io)).resolves.toBe("Ann");
    expect(io.transcript.filter((line) => line === "Name?")).toHaveLength(3);
  });

  it("rejects a state that returns neither a state nor exit(), naming the state", async () => {
    const forgetful: State = { name: "forgetful", run: async () => undefined as never };
    const error = await runStates(forgetful, new ScriptedIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain("state forgetful");
    expect((error as Error).message).toContain("exit()");
  });

  it("rejects a start that is not a state", async () => {
    await expect(runStates({} as State, new ScriptedIo())).rejects.toThrow(InvalidArgumentError);
  });

  it("a failing print ends the flow with that error and nothing more is said", async () => {
    const failure = new Error("Telegram is down");
    const io = new ScriptedIo([], {
      onPrint: (text) => {
        if (text === "2") throw failure;
      },
    });
    await expect(runStates(counter(1, 5), io)).rejects.toBe(failure);
    expect(io.transcript).toEqual(["1"]);
  });

  it("an abort while waiting for input rejects with the reason and sends nothing more", async () => {
    const io = new ScriptedIo([], { whenOutOfAnswers: "wait" });
    const controller = new AbortController();
    const polite: State = {
      async run(io) {
        try {
          await io.input("Name?");
        } catch {
          // A broad catch must not let a cancelled flow keep talking.
          await io.print("Oops, let me ask again");
        }
        return polite;
      },
    };
    const run = runStates(polite, io, { signal: controller.signal });
    await io.waitingForInput();
    controller.abort(new Error("cancelled by /cancel"));
    await expect(run).rejects.toThrow("cancelled by /cancel");
    expect(io.transcript).toEqual(["Name?"]);
  });

  it("binds the run's signal to every Io call, so states need not pass it", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const io: Io = {
      print: async (_text, options) => void seen.push(options?.signal),
      input: async () => "",
      choose: async (_prompt, options) => options[0] as never,
    };
    const controller = new AbortController();
    await runStates(counter(1, 1), io, { signal: controller.signal });
    expect(seen).toHaveLength(1);
    controller.abort();
    expect(seen[0]?.aborted).toBe(true);
  });

  it("does not start when the signal is already aborted", async () => {
    const io = new ScriptedIo();
    await expect(runStates(counter(1, 3), io, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(io.transcript).toEqual([]);
  });

  it("exit() made by another copy of colloquy is recognised", async () => {
    const foreignExit = { [Symbol.for("colloquy.io.exit")]: true, value: 7 } as never;
    await expect(runStates({ run: () => foreignExit }, new ScriptedIo())).resolves.toBe(7);
  });
});
