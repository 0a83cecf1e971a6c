import type { RedisClient } from "../src/index.js";

/** A command as the client sent it: its name (lower case) and its arguments as text. */
export interface SentCommand {
  name: string;
  args: string[];
}

/** What {@link spyOnCommands} records, and how to stop recording. */
export interface CommandSpy {
  readonly commands: SentCommand[];
  /** Names only, in order. */
  names(): string[];
  restore(): void;
}

type SendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => unknown;

/**
 * Records every command `client` sends, pipelined ones included (ioredis routes auto-pipelines
 * and a cluster's per-node traffic through the client's own `sendCommand`). It only watches: the
 * commands still reach the real server.
 */
export function spyOnCommands(client: RedisClient): CommandSpy {
  const commands: SentCommand[] = [];
  const target = client as unknown as { sendCommand: SendCommand };
  const original = target.sendCommand;
  target.sendCommand = function (this: unknown, command, ...rest) {
    commands.push({ name: command.name.toLowerCase(), args: command.args.map((arg) => (Buffer.isBuffer(arg) ? arg.toString("latin1") : String(arg))) });
    return original.call(this, command, ...rest);
  };
  return {
    commands,
    names: () => commands.map((command) => command.name),
    restore: () => {
      target.sendCommand = original;
    },
  };
}
