#!/usr/bin/env node
import { run } from "./cli.js";
import { interruptSignal } from "./interrupt.js";

// The AWS SDK (loaded by @stowage/s3) warns on every run under Node 20 that its releases after
// January 2027 need Node 22. @stowage/s3 pins the SDK, so the notice is not actionable here, and it
// would break the promise of clean stderr (one line per error). A user who sets the variable wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// `stowage cat big.log | head`: the reader left, which is not a failure worth a message.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// Exit explicitly once output is flushed: an adapter that kept a socket open must not hang the shell.
void run(process.argv.slice(2), { signal: interruptSignal() }).then((code) => {
  process.stdout.write("", () => process.exit(code));
});
