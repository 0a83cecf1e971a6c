#!/usr/bin/env node
import { run } from "./cli.js";

// Exit explicitly once output is flushed: an adapter that kept a socket open must not hang the shell.
void run(process.argv.slice(2)).then((code) => {
  process.stdout.write("", () => process.exit(code));
});
