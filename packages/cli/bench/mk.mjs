import { makeTree } from "./env.mjs";
await makeTree(process.argv[2], { files: Number(process.argv[3]), folders: Number(process.argv[4]), size: Number(process.argv[5]) });
