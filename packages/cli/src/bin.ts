#!/usr/bin/env node
import { run } from "./cli.js";

// `stowage cat big.log | head`: the reader left, which is not a failure worth a message.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// Exit explicitly once output is flushed: an adapter that kept a socket open must not hang the shell.
void run(process.argv.slice(2)).then((code) => {
  process.stdout.write("", () => process.exit(code));
});
