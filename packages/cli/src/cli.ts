import { Command, CommanderError } from "commander";
import { redactText } from "@stowage/core";
import { catCommand } from "./commands/cat.js";
import { checkCommand } from "./commands/check.js";
import { cpCommand } from "./commands/cp.js";
import { gcCommand } from "./commands/gc.js";
import { linkCommand } from "./commands/link.js";
import { getCommand } from "./commands/get.js";
import { lsCommand } from "./commands/ls.js";
import { mvCommand } from "./commands/mv.js";
import { putCommand } from "./commands/put.js";
import { rmCommand } from "./commands/rm.js";
import { statCommand } from "./commands/stat.js";
import { syncCommand } from "./commands/sync.js";
import { CommandContext, type CliIo, type GlobalOptions } from "./context.js";
import { EXIT_CODES, exitCodeOf } from "./exit-codes.js";
import { Interrupt } from "./interrupt.js";
import { ADDRESSING_HELP } from "./help.js";
import { reportError } from "./report-error.js";
import { secretsOf } from "./secrets.js";

declare const __STOWAGE_CLI_VERSION__: string;

/**
 * Runs the `stowage` command with `args` (without the `node` and script entries) and resolves
 * with the process exit code. Never throws: failures are printed to `io.stderr`.
 */
export async function run(args: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const ctx = new CommandContext({
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
    signal: io.signal ?? new AbortController().signal,
  });
  const secrets = secretsOf(ctx.io.env, args);
  const program = buildProgram(ctx, secrets);
  // The command running, with its operands, for an error that does not say what failed.
  let running: string | undefined;
  program.hook("preAction", (_program, action) => {
    running = [action.name(), ...action.args.map((arg) => `'${arg}'`)].join(" ");
  });
  try {
    const command = program.parseAsync([...args], { from: "user" });
    // A command that loses the race to an interrupt is abandoned; its late failure is not news.
    command.catch(() => undefined);
    await Promise.race([command, ctx.interrupted()]);
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help text).
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if ((error as { code?: unknown } | null)?.code === "EPIPE") return EXIT_CODES.ok; // see bin.ts
    // Whatever failed once the signal came (an aborted stream, a closed connection) is the interrupt.
    const interrupt = ctx.io.signal.aborted && ctx.io.signal.reason instanceof Interrupt ? ctx.io.signal.reason : undefined;
    reportError(ctx.io.stderr, interrupt ?? error, ctx.options.verbose, secrets, running);
    return interrupt?.exitCode ?? exitCodeOf(error);
  } finally {
    await ctx.stores.closeAll();
  }
}

function buildProgram(ctx: CommandContext, secrets: readonly string[]): Command {
  const program = new Command("stowage")
    .description("Copy, list and mirror files between storage backends: local folders, memory, Redis, S3.")
    .version(__STOWAGE_CLI_VERSION__, "-V, --version")
    .option("-q, --quiet", "no progress bars or summary lines (warnings and errors still go to stderr)")
    .option("-v, --verbose", "stack traces and causes on errors")
    .addHelpText("after", ADDRESSING_HELP)
    .showSuggestionAfterError()
    .hook("preAction", (_program, action) => {
      const options = action.optsWithGlobals<Partial<GlobalOptions>>();
      ctx.options = { quiet: options.quiet === true, verbose: options.verbose === true };
    });
  const commands = [lsCommand, catCommand, putCommand, getCommand, cpCommand, mvCommand, rmCommand, statCommand, syncCommand, checkCommand, gcCommand, linkCommand];
  for (const make of commands) program.addCommand(make(ctx));
  // Every command (and the program) throws instead of exiting, and writes through the context's streams.
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => write(redactText(text.replace(/^error: /, "stowage: "), secrets)),
    });
  }
  return program;
}
