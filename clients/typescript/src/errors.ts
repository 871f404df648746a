/** The RPC error codes of webshocket.v1 (JSON-RPC style), as `TetherError.code` carries them. */
export const RpcErrorCode = {
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_SERVER_ERROR: -32603,
  RATE_LIMIT_EXCEEDED: -32000,
  APPLICATION_ERROR: -32001,
  ACCESS_DENIED: -32002,
} as const;

/**
 * What went wrong, so that code can act on it without reading messages:
 * - `rpc`: the server answered the call with an error; `code` and `message` are the server's.
 * - `timeout`: no answer within the call's timeout (the server may still have run it).
 * - `disconnected`: the connection dropped while the call or stream was in flight (retryable).
 * - `not_connected`: there was no connection to send on (retryable once connected).
 * - `connect_failed`: `connect()` gave up, or the client stopped reconnecting.
 * - `backpressure`: the socket holds more unsent bytes than `maxBufferedBytes`; nothing was sent.
 * - `overflow`: a stream's consumer fell `maxStreamItems` behind; the stream was cancelled.
 * - `refused`: the server refused a subscription (its limit), or answered something that is not subscribe's.
 * - `closed`: the client was closed.
 */
export type TetherErrorKind =
  | 'rpc'
  | 'timeout'
  | 'disconnected'
  | 'not_connected'
  | 'connect_failed'
  | 'backpressure'
  | 'overflow'
  | 'refused'
  | 'closed';

const RETRYABLE: ReadonlySet<TetherErrorKind> = new Set(['disconnected', 'not_connected', 'backpressure']);

/** Every error the client reports: a kind, and for `rpc` errors the server's code. */
export class TetherError extends Error {
  override readonly name = 'TetherError';
  readonly kind: TetherErrorKind;
  /** The server's RPC error code (see {@link RpcErrorCode}) for `rpc` errors, otherwise `null`. */
  readonly code: number | null;
  /** The method of the call that failed, when it was a call. */
  readonly method: string | null;
  /** The `data` of an application error that carries some (`{"message": …, "data": …}`), otherwise `undefined`. */
  readonly data: unknown;
  /** Whether the same call may succeed when sent again: true for connection faults, false for the server's answers. */
  readonly retryable: boolean;

  constructor(
    kind: TetherErrorKind,
    message: string,
    details: { code?: number | null; method?: string | null; data?: unknown; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.code = details.code ?? null;
    this.method = details.method ?? null;
    this.data = details.data;
    this.retryable = RETRYABLE.has(kind);
  }
}
