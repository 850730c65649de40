/**
 * A polite HTTP client for the sources paperboy pulls from (arXiv asks for at
 * most one request every 3 seconds and answers 503 + Retry-After when pushed).
 *
 * Goals: a minimum pause between calls (measured from the end of the previous
 * response, so the server sees at least that spacing), Retry-After honoured on
 * 503 and 429 (seconds or an HTTP date), exponential backoff on network
 * errors, timeouts and other 5xx, a bounded number of attempts, a User-Agent
 * naming paperboy, and one clear error after the last attempt.
 * Non-goals: caching, cookies, concurrency (calls are serialised on purpose),
 * streaming bodies (source pages are a few MB at most).
 */
import { performance } from 'node:perf_hooks';

export const DEFAULT_USER_AGENT = 'paperboy/0.1 (self-hosted research-paper hub; +https://github.com/paperboy)';

export interface PoliteFetchOptions {
  /** Minimum pause between the end of one response and the next request. Default 3000 ms (arXiv's rule). */
  minDelayMs?: number;
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff after a network error / 5xx; doubles each attempt. Default 2000 ms. */
  baseBackoffMs?: number;
  /** Ceiling of one backoff wait. Default 60 000 ms. */
  maxBackoffMs?: number;
  /** A Retry-After longer than this ends the call with an error instead of waiting. Default 10 minutes. */
  maxRetryAfterMs?: number;
  /** Time allowed for one attempt (headers and body). Default 60 000 ms. */
  timeoutMs?: number;
  userAgent?: string;
  /** For tests: the fetch to use (default: Node's global fetch). */
  fetchImpl?: typeof fetch;
  /** Told before each wait caused by a retry (for progress lines). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  url: string;
  attempt: number;
  waitMs: number;
  reason: string;
}

export interface FetchedText {
  url: string;
  status: number;
  contentType: string | null;
  body: string;
}

/** The call failed for good: a non-retryable status, or every attempt used. */
export class HttpFetchError extends Error {
  constructor(
    message: string,
    readonly url: string,
    /** The last HTTP status, or null when the last attempt failed before a response. */
    readonly status: number | null,
    readonly attempts: number,
    /** The start of the last response body (at most 4 000 characters), for callers that parse error documents. */
    readonly body: string | null = null,
  ) {
    super(message);
    this.name = 'HttpFetchError';
  }
}

/**
 * Parses a Retry-After header value: delta-seconds or an HTTP date.
 * Returns milliseconds to wait (never negative), or null when absent/unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until performance.now() >= target (setTimeout may fire a little early). */
async function sleepUntil(target: number): Promise<void> {
  for (let left = target - performance.now(); left > 0; left = target - performance.now()) {
    await sleep(Math.ceil(left));
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${err.message} (${cause.message})`;
    return err.message;
  }
  return String(err);
}

export class PoliteHttpClient {
  private readonly minDelayMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly fetchImpl: typeof fetch;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  /** performance.now() before which the next request may not start. */
  private notBefore = 0;
  /** Serialises calls so the spacing holds even when callers overlap. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: PoliteFetchOptions = {}) {
    this.minDelayMs = opts.minDelayMs ?? 3000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.baseBackoffMs = opts.baseBackoffMs ?? 2000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 10 * 60_000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.onRetry = opts.onRetry;
  }

  /** GETs `url` and returns its body as text; throws HttpFetchError when it cannot. */
  getText(url: string): Promise<FetchedText> {
    const run = this.queue.then(() => this.attemptAll(url));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async attemptAll(url: string): Promise<FetchedText> {
    let lastStatus: number | null = null;
    let lastBody: string | null = null;
    let lastReason = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await sleepUntil(this.notBefore);
      let waitMs: number;
      try {
        const res = await this.fetchImpl(url, {
          headers: { 'user-agent': this.userAgent, accept: '*/*' },
          redirect: 'follow',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const body = await res.text();
        this.notBefore = performance.now() + this.minDelayMs;
        lastStatus = res.status;
        lastBody = body.slice(0, 4000);
        if (res.ok) return { url: res.url || url, status: res.status, contentType: res.headers.get('content-type'), body };
        if (res.status === 503 || res.status === 429) {
          const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
          if (retryAfter !== null && retryAfter > this.maxRetryAfterMs) {
            throw new HttpFetchError(
              `${url}: the server asked to wait ${Math.round(retryAfter / 1000)} s (HTTP ${res.status} Retry-After); try again later`,
              url, res.status, attempt, lastBody);
          }
          waitMs = retryAfter ?? this.backoff(attempt);
          lastReason = `HTTP ${res.status}${retryAfter !== null ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''}`;
        } else if (res.status >= 500) {
          waitMs = this.backoff(attempt);
          lastReason = `HTTP ${res.status}`;
        } else {
          throw new HttpFetchError(`${url}: HTTP ${res.status} ${res.statusText}; check the URL and parameters`,
            url, res.status, attempt, lastBody);
        }
      } catch (err) {
        if (err instanceof HttpFetchError) throw err;
        this.notBefore = performance.now() + this.minDelayMs;
        lastStatus = null;
        lastBody = null;
        lastReason = describe(err);
        waitMs = this.backoff(attempt);
      }
      if (attempt < this.maxAttempts) {
        this.onRetry?.({ url, attempt, waitMs, reason: lastReason });
        // A retry waits for whichever is longer: the server's/backoff wait or the usual spacing.
        this.notBefore = Math.max(this.notBefore, performance.now() + waitMs);
      }
    }
    throw new HttpFetchError(
      `${url}: gave up after ${this.maxAttempts} attempts (last: ${lastReason}); check the network or the server and run again`,
      url, lastStatus, this.maxAttempts, lastBody);
  }

  /** Exponential backoff: base · 2^(attempt−1), capped. */
  private backoff(attempt: number): number {
    return Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempt - 1));
  }
}
