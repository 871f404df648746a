// Packets to and from the wire: MessagePack for framework clients (the webshocket.v1 subprotocol), JSON for generic
// ones. Keys go out in webshocket's order (source, data, rpc, channel, timestamp, correlation_id), all six always.
// Input that is not a packet is not an error: it becomes an UNKNOWN packet carrying the raw input, as on the server.
import { Decoder, Encoder } from '@msgpack/msgpack';
import { Source, type Packet, type RpcRequest, type RpcResponse } from '../types.js';

export type Encoding = 'msgpack' | 'json';

/** What goes into `WebSocket.send`. */
export type Frame = string | Uint8Array;

interface WirePacket {
  source: number;
  data: unknown;
  rpc: unknown;
  channel: string | null;
  timestamp: number | null;
  correlation_id: string | null;
}

export interface Codec {
  readonly encoding: Encoding;
  encode(packet: Packet): Frame;
  decode(input: unknown): Packet;
}

const SOURCES: ReadonlySet<number> = new Set(Object.values(Source));

function toWire(packet: Packet): WirePacket {
  return {
    source: packet.source,
    data: packet.data ?? null,
    rpc: packet.rpc ?? null,
    channel: packet.channel ?? null,
    timestamp: packet.timestamp ?? null,
    correlation_id: packet.correlationId ?? null,
  };
}

function unknown(raw: unknown): Packet {
  return { source: Source.UNKNOWN, data: raw, rpc: null, channel: null, timestamp: null, correlationId: null };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function rpcOf(value: unknown): RpcRequest | RpcResponse | null | undefined {
  if (value === null || value === undefined) {
    return null;
  }
  if (!isMap(value)) {
    return undefined;
  }
  if (value.type === 'response' && typeof value.call_id === 'string') {
    const error = value.error;
    if (error !== null && error !== undefined && typeof error !== 'number') {
      return undefined;
    }
    return {
      type: 'response',
      call_id: value.call_id,
      response: value.response ?? null,
      error: error ?? null,
      is_stream: value.is_stream === true,
      is_end: value.is_end === true,
    };
  }
  if (value.type === 'request' && typeof value.method === 'string') {
    return {
      type: 'request',
      method: value.method,
      args: Array.isArray(value.args) ? value.args : [],
      kwargs: isMap(value.kwargs) ? value.kwargs : {},
      call_id: typeof value.call_id === 'string' ? value.call_id : '',
    };
  }
  return undefined;
}

/** The packet in a decoded map, or an UNKNOWN packet of `raw` when the map is not one. */
function fromWire(value: unknown, raw: unknown): Packet {
  if (!isMap(value) || typeof value.source !== 'number' || !SOURCES.has(value.source)) {
    return unknown(raw);
  }
  const rpc = rpcOf(value.rpc);
  const { channel, timestamp, correlation_id: correlationId, tether } = value;
  if (
    rpc === undefined ||
    (channel != null && typeof channel !== 'string') ||
    (timestamp != null && typeof timestamp !== 'number') ||
    (correlationId != null && typeof correlationId !== 'string') ||
    (tether != null && !isMap(tether))
  ) {
    return unknown(raw);
  }
  const packet: Packet = {
    source: value.source as Source,
    data: value.data ?? null,
    rpc,
    channel: channel ?? null,
    timestamp: timestamp ?? null,
    correlationId: correlationId ?? null,
  };
  if (tether != null) {
    packet.tether = tether;
  }
  return packet;
}

function bytesOf(input: unknown): Uint8Array | null {
  if (input instanceof Uint8Array) {
    return input;
  }
  if (input instanceof ArrayBuffer) {
    return new Uint8Array(input);
  }
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  return null;
}

class MessagePackCodec implements Codec {
  readonly encoding = 'msgpack' as const;
  // One of each per client: they keep their buffers and key caches between packets.
  private readonly encoder = new Encoder();
  private readonly decoder = new Decoder();

  encode(packet: Packet): Frame {
    return this.encoder.encode(toWire(packet));
  }

  decode(input: unknown): Packet {
    const bytes = bytesOf(input);
    if (bytes === null) {
      return unknown(input); // a TEXT frame: not MessagePack
    }
    let value: unknown;
    try {
      value = this.decoder.decode(bytes);
    } catch {
      return unknown(bytes);
    }
    return fromWire(value, bytes);
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding, as the server reads bytes in JSON (no btoa: it takes Latin-1 strings). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + BASE64[(n >> 6) & 63]! + BASE64[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63]! + '=' : '==';
  }
  return out;
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? base64(value) : value;
}

class JsonCodec implements Codec {
  readonly encoding = 'json' as const;
  private readonly text = new TextDecoder('utf-8', { fatal: true });

  encode(packet: Packet): Frame {
    return JSON.stringify(toWire(packet), bytesAsBase64);
  }

  decode(input: unknown): Packet {
    let text: string;
    if (typeof input === 'string') {
      text = input;
    } else {
      const bytes = bytesOf(input);
      if (bytes === null) {
        return unknown(input);
      }
      try {
        text = this.text.decode(bytes);
      } catch {
        return unknown(bytes);
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return unknown(text);
    }
    return fromWire(value, text);
  }
}

export function codecFor(encoding: Encoding): Codec {
  return encoding === 'msgpack' ? new MessagePackCodec() : new JsonCodec();
}
