import type { Redis } from "ioredis";

/** Names of the commands `clients` send while `fn` runs. */
export async function commandsDuring(
  clients: readonly Redis[],
  fn: () => Promise<unknown>,
): Promise<string[]> {
  const names: string[] = [];
  const restore = clients.map((client) => {
    const send = client.sendCommand;
    client.sendCommand = (command, ...rest) => {
      names.push(command.name);
      return send.call(client, command, ...rest);
    };
    return () => {
      client.sendCommand = send;
    };
  });
  try {
    await fn();
  } finally {
    for (const undo of restore) undo();
  }
  return names;
}
