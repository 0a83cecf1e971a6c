import { integerOption } from "@stowage/core";

/**
 * How the clients stowage builds retry a failed request (see {@link S3RetryStrategy}). Every
 * field is optional; the defaults follow rclone's `--low-level-retries`.
 */
export interface S3RetryOptions {
  /**
   * Attempts per request, the first included, from 1 to 100. Default: `clientConfig.maxAttempts`
   * when it is a number, else the `AWS_MAX_ATTEMPTS` environment variable, else 10.
   */
  maxAttempts?: number;
  /**
   * Ceiling of the first backoff, in ms; it doubles with each retry up to `maxDelayMs`, and each
   * wait is drawn at random below its ceiling ("full jitter"). A throttling reply (503 SlowDown)
   * starts ten times higher. Default 100.
   */
  baseDelayMs?: number;
  /** The largest wait between two attempts, in ms. Default 2 000. */
  maxDelayMs?: number;
}

/** Defaults of {@link S3RetryOptions}. */
export const DEFAULT_S3_RETRY = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 2_000 } as const;

/** The SDK's classification of a failed attempt (`RetryErrorInfo` of `@smithy/types`). */
interface RetryErrorInfo {
  errorType: "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";
  retryAfterHint?: Date;
}

/** The SDK's retry token (`RetryToken` of `@smithy/types`): retries so far, and the wait before the next attempt. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  $retryLog?: { acquisitionDelay?: number };
}

/** A Retry-After hint may stretch a wait by at most this much, in ms (the SDK's own bound). */
const RETRY_AFTER_EXTRA_MS = 5_000;

/**
 * The retry strategy of the S3 clients stowage builds (the SDK's `RetryStrategyV2` interface,
 * which its retry middleware drives): transient failures (connection resets, timeouts, 500, 502,
 * 503, 504) and throttling are retried up to `maxAttempts` times with exponential backoff and full
 * jitter; anything else (403, 404, 412, a bad request) is final at once. The SDK itself never
 * retries a request whose body is a stream, so only buffered bodies (every PutObject and
 * UploadPart stowage sends) are ever sent twice.
 *
 * Where it departs from the SDK's standard strategy, on purpose: the standard one has a retry
 * budget per client (500 tokens, 14 per retry, 1 back per success) that a steady fault rate above
 * about one request in ten drains for good, after which every fault is final; a long sync then
 * fails on every run however often it is re-run. This one budgets by outage instead: once a
 * request has spent all `maxAttempts` attempts and no request of the client succeeded since it
 * began, the service is taken as down, and failures are final without retries until one request
 * succeeds. Random faults, however frequent and however many requests are in flight, almost never
 * do that (other requests keep succeeding); an outage does within one request's worth of attempts.
 */
export class S3RetryStrategy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  /** Requests of the client that succeeded so far: a token remembers the count it began with. */
  #successes = 0;
  /** Whether the service is taken as down (see the class's description). */
  #down = false;

  /**
   * Rejects an option out of range with `InvalidOptionsError` (`E_INVALID_OPTIONS`) naming it and
   * `owner` (the backend whose options these are).
   */
  constructor(options: S3RetryOptions = {}, owner = "S3RetryStrategy") {
    this.maxAttempts = integerOption("maxAttempts", options.maxAttempts ?? DEFAULT_S3_RETRY.maxAttempts, 1, 100, owner);
    this.#baseDelayMs = integerOption("baseDelayMs", options.baseDelayMs ?? DEFAULT_S3_RETRY.baseDelayMs, 0, 60_000, owner);
    this.#maxDelayMs = integerOption("maxDelayMs", options.maxDelayMs ?? DEFAULT_S3_RETRY.maxDelayMs, 0, 600_000, owner);
  }

  /** The token of a request's first attempt: no retries yet, no wait. */
  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0, this.#successes);
  }

  /** Waits the backoff and returns the next attempt's token, or rejects when the failure is final. */
  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retryable = info.errorType === "TRANSIENT" || info.errorType === "THROTTLING";
    // Any answer from the service that is not a fault means the service is up.
    if (!retryable) this.#down = false;
    const retries = previous.getRetryCount();
    if (retryable && retries + 1 >= this.maxAttempts && previous instanceof Token && previous.successesAtStart === this.#successes) this.#down = true;
    if (!retryable || retries + 1 >= this.maxAttempts || this.#down) throw new Error("no retry: the failure is final");
    const base = info.errorType === "THROTTLING" ? this.#baseDelayMs * 10 : this.#baseDelayMs;
    const ceiling = Math.min(base * 2 ** retries, this.#maxDelayMs);
    let delay = Math.floor(Math.random() * ceiling);
    if (info.retryAfterHint instanceof Date) {
      delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), delay + RETRY_AFTER_EXTRA_MS));
    }
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    // The wait is done here; the SDK adds the logged one to the response's `totalRetryDelay`.
    const next = new Token(retries + 1, 0, previous instanceof Token ? previous.successesAtStart : this.#successes);
    next.$retryLog = { acquisitionDelay: delay };
    return next;
  }

  /** A request succeeded: the service is up. */
  recordSuccess(): void {
    this.#successes++;
    this.#down = false;
  }
}

/** A request's retry token; it remembers how many requests had succeeded when the request began. */
class Token implements RetryToken {
  $retryLog?: { acquisitionDelay?: number };
  constructor(
    readonly retryCount: number,
    readonly delay: number,
    readonly successesAtStart: number,
  ) {}
  getRetryCount(): number {
    return this.retryCount;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}
