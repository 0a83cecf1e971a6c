// `pnpm stowage <command> …` in a clone: the built CLI (packages/cli/dist), run in the folder pnpm
// was called from (pnpm runs a root script at the root and says where it was called in INIT_CWD).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bin = new URL("../packages/cli/dist/bin.js", import.meta.url);
if (!existsSync(fileURLToPath(bin))) {
  console.error("stowage: the CLI is not built yet: run `pnpm build` (or `pnpm demo`) first");
  process.exit(1);
}
if (process.env.INIT_CWD !== undefined) process.chdir(process.env.INIT_CWD);
await import(bin.href);
