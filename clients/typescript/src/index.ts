// tether-client: the browser and Node client of Tether (webshocket.v1). Everything public is exported here;
// src/internal is not part of the API.
export {
  SUBPROTOCOL,
  TetherClient,
  type CallOptions,
  type ConnectionState,
  type Disconnection,
  type Logger,
  type TetherClientEvents,
  type TetherClientOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './client.js';
export { RpcErrorCode, TetherError, type TetherErrorKind } from './errors.js';
export type { Encoding } from './internal/codec.js';
export type { RpcStream } from './internal/stream.js';
export type { SubscribeOptions, Subscription, SubscriptionHandlers } from './internal/subscription.js';
export {
  Source,
  type Packet,
  type PresenceMember,
  type Publication,
  type RpcRequest,
  type RpcResponse,
  type StreamPosition,
  type Subscribed,
} from './types.js';
