// Full-jitter exponential backoff: the n-th wait (n from 1) is uniform in [0, min(max, initial * 2^(n-1))). Spreading
// each wait over the whole range (rather than adding a second of jitter) keeps a crowd of clients that lost the same
// server from coming back in step.
export interface BackoffPolicy {
  /** Milliseconds; the ceiling of the first wait. */
  readonly initialDelay: number;
  /** Milliseconds; no wait is longer. */
  readonly maxDelay: number;
}

export function fullJitter(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * 2 ** Math.min(attempt - 1, 52));
  return Math.floor(random() * ceiling);
}
