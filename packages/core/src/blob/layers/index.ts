export { withTimeout, type TimeoutOptions } from "./timeout.js";
export { withRetry, type RetryOptions } from "./retry.js";
export { withLogging, type LoggingOptions } from "./logging.js";
