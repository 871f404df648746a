/** The `source` of a packet. */
export const Source = {
  BROADCAST: 1,
  CHANNEL: 2,
  UNKNOWN: 3,
  CUSTOM: 4,
  RPC: 5,
} as const;
export type Source = (typeof Source)[keyof typeof Source];

/** An RPC request as it goes on the wire. */
export interface RpcRequest {
  type: 'request';
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  call_id: string;
}

/** An RPC response as it comes off the wire. */
export interface RpcResponse {
  type: 'response';
  call_id: string;
  response: unknown;
  error: number | null;
  is_stream: boolean;
  is_end: boolean;
}

/**
 * One webshocket.v1 packet. `tether` is Tether's extension key (positions and presence events); it is absent on every
 * packet of a plain webshocket.v1 server. A packet whose input did not decode has source UNKNOWN and the raw input
 * (a string or bytes) as `data`.
 */
export interface Packet {
  source: Source;
  data: unknown;
  rpc: RpcRequest | RpcResponse | null;
  channel: string | null;
  timestamp: number | null;
  correlationId: string | null;
  tether?: Record<string, unknown> | null;
}

/** A place in a channel's history: publications of one epoch have consecutive offsets. */
export interface StreamPosition {
  readonly offset: number;
  readonly epoch: string;
}

/** A publication of a subscribed channel, live or recovered. */
export interface Publication<T = unknown> {
  readonly channel: string;
  readonly data: T;
  /** Its position, when the channel keeps a history and the subscription asked for positions. */
  readonly position: StreamPosition | null;
  readonly packet: Packet;
}

/** The server's answer to one subscribe: the first, and each one the client makes to restore or fill a gap. */
export interface Subscribed {
  readonly channel: string;
  /** Whether the channel keeps a history the client can recover from; false on servers without Tether's extension. */
  readonly recoverable: boolean;
  /** The channel's position when the subscription started; live publications follow it. */
  readonly position: StreamPosition | null;
  /**
   * `null` for the first subscribe; on later ones `true` when every missed publication follows (then the live ones),
   * `false` when some are lost (trimmed, expired, a new epoch, or no history): reload the state from elsewhere.
   */
  readonly recovered: boolean | null;
  /** How many recovered publications follow this answer, before the live ones. */
  readonly recoveredPublications: number;
}

/** A session present in a channel that tracks presence. */
export interface PresenceMember {
  readonly session: string;
  readonly info: unknown;
}
