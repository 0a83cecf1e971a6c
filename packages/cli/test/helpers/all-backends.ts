import { jsonfileBackend, type TestBackend } from "./backends.js";

/** Every backend the command tests run against. */
export const BACKENDS: TestBackend[] = [jsonfileBackend];
