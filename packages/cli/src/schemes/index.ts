import { fileScheme } from "./file.js";
import { memoryScheme } from "./memory.js";
import { redisScheme } from "./redis.js";
import { s3Scheme } from "./s3.js";
import type { FirstPartyScheme } from "./scheme.js";

/** The schemes of the first-party adapters, each translated in its own file. */
export const FIRST_PARTY_SCHEMES: readonly FirstPartyScheme[] = [fileScheme, memoryScheme, redisScheme, s3Scheme];
