import { ListenerCancelledError } from "colloquy";

/**
 * The demo's running flows per user in a chat, so that one /cancel ends them all, a second
 * /weather can say that one is already running, and stopping the bot ends every flow.
 */
export class FlowTracker {
  readonly #flows = new Map<string, Map<AbortController, string>>();

  /** Starts tracking a flow named `name` for `scope`; abort its signal to end it. */
  start(scope: string, name: string): AbortController {
    const controller = new AbortController();
    let flows = this.#flows.get(scope);
    if (flows === undefined) {
      flows = new Map();
      this.#flows.set(scope, flows);
    }
    flows.set(controller, name);
    return controller;
  }

  /** Stops tracking a flow that ended by itself. */
  finish(scope: string, controller: AbortController): void {
    const flows = this.#flows.get(scope);
    flows?.delete(controller);
    if (flows?.size === 0) this.#flows.delete(scope);
  }

  /** Whether `scope` runs a flow named `name`. */
  isRunning(scope: string, name: string): boolean {
    return [...(this.#flows.get(scope)?.values() ?? [])].includes(name);
  }

  /** Aborts every flow of `scope`; returns how many there were. */
  cancelAll(scope: string): number {
    const flows = this.#flows.get(scope);
    if (flows === undefined) return 0;
    this.#flows.delete(scope);
    for (const controller of flows.keys()) controller.abort(new Error("cancelled by /cancel"));
    return flows.size;
  }

  /**
   * Aborts every flow of every scope with a `ListenerCancelledError` of reason `"shutdown"`, the
   * error that `plugin.shutdown()` ends waits with, so flows tell a stop from a /cancel alike.
   */
  stopAll(): void {
    const all = [...this.#flows];
    this.#flows.clear();
    for (const [scope, flows] of all) {
      const reason = new ListenerCancelledError(scope, "shutdown");
      for (const controller of flows.keys()) controller.abort(reason);
    }
  }
}
