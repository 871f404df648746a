import { TetherError } from './errors.js';
import { fullJitter } from './internal/backoff.js';
import { codecFor, type Codec, type Encoding } from './internal/codec.js';
import { Emitter } from './internal/emitter.js';
import { StreamCall, type RpcStream } from './internal/stream.js';
import {
  ClientSubscription,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandlers,
  type SubscriptionOwner,
} from './internal/subscription.js';
import { Source, type Packet, type PresenceMember, type RpcResponse } from './types.js';

/** The subprotocol of webshocket.v1 framework clients: offering it selects MessagePack. */
export const SUBPROTOCOL = 'webshocket.v1';

/** `disconnected` until connect(), `connecting` while (re)connecting and waiting between attempts, `closed` at the end. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'closed';

/** The WebSocket constructor the client uses: the browser's, Node's global one (22+), or the `ws` package's. */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

/** The part of the WebSocket API the client uses; the browser's, Node's and `ws`'s all have it. */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Where log lines go; `console` by default, `null` for none. */
export interface Logger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Every setting; times are in milliseconds. */
export interface TetherClientOptions {
  /** `msgpack` (default) offers the webshocket.v1 subprotocol; `json` speaks as a generic client. */
  encoding?: Encoding;
  /** The WebSocket constructor; `globalThis.WebSocket` by default (in Node 20 pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** How long a call waits for its answer. Default 30 s; 0 waits forever. */
  callTimeout?: number;
  /** How long the WebSocket may take to open. Default 5 s. */
  connectTimeout?: number;
  /** How long an attempt may take from the start until ready (open, handshake, subscriptions restored). 10 s. */
  handshakeTimeout?: number;
  /**
   * Runs on every new connection before it is ready, before the subscriptions are restored: the application's own
   * handshake, such as logging in again (session state lives on the server and does not survive a reconnect).
   * `call` sends on that connection. If it throws, the attempt fails and is retried, except for an RPC error (the
   * server said no), which stops connecting.
   */
  handshake?: (call: (method: string, ...args: unknown[]) => Promise<unknown>) => Promise<void> | void;
  /** Attempts of connect() before it gives up. Default 5. */
  connectAttempts?: number;
  /** Whether to reconnect after a drop. Default true. */
  reconnect?: boolean;
  /** Attempts of each reconnect before the client gives up. Default Infinity (the waits stay at `maxDelay`). */
  reconnectAttempts?: number;
  /** The ceiling of the first wait between attempts (full jitter: each wait is uniform below its ceiling). 1 s. */
  initialDelay?: number;
  /** The largest ceiling of a wait; it doubles per attempt up to this. Default 32 s. */
  maxDelay?: number;
  /** A connection that dropped within this time of being ready is a quick failure. Default 5 s. */
  quickFailureWindow?: number;
  /** Quick failures in a row that stop reconnecting (a server that accepts and closes at once). 3; 0 turns it off. */
  maxQuickFailures?: number;
  /** Nothing received for this long makes the client probe the server. Default 30 s; 0 turns heartbeats off. */
  heartbeatInterval?: number;
  /** Nothing received this long after a probe drops the connection as half-open. Default 15 s. */
  heartbeatTimeout?: number;
  /** The close handshake may take this long; then the socket is dropped. Default 2 s. */
  closeTimeout?: number;
  /** Calls (and streams) in flight at most; beyond, a call fails at once with `backpressure`. Default 10,000. */
  maxPendingCalls?: number;
  /** Unsent bytes the socket may hold; beyond, a send fails at once with `backpressure`. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Items a stream buffers for a slow consumer; beyond, the stream is cancelled with `overflow`. Default 10,000. */
  maxStreamItems?: number;
  /** Packets a subscription holds while its subscribe is answered; beyond, newer ones are dropped. 10,000. */
  maxHeldPackets?: number;
  /** Where warnings go. Default `console`; `null` for nowhere. */
  logger?: Logger | null;
  /** The random source of the backoff jitter, uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** Per-call settings, for {@link TetherClient.with}. */
export interface CallOptions {
  /** Keyword arguments of the call. */
  kwargs?: Record<string, unknown>;
  /** Overrides the client's `callTimeout` (unary calls only). */
  timeout?: number;
  /** Aborting it rejects the call (or ends the stream, telling the server) with the signal's reason. */
  signal?: AbortSignal;
}

/** What `disconnected` says about the drop. */
export interface Disconnection {
  readonly code: number;
  readonly reason: string;
  /** Whether the client is about to reconnect. */
  readonly reconnect: boolean;
}

/** The events of {@link TetherClient.on}. */
export interface TetherClientEvents {
  /** Every change of state. */
  state: [state: ConnectionState, previous: ConnectionState];
  /** An attempt starts: the first of connect(), or of a reconnect. */
  connecting: [info: { attempt: number; reconnect: boolean }];
  /** The session is ready: open, and its subscriptions restored. */
  connected: [info: { reconnect: boolean; encoding: Encoding }];
  /** A ready session ended: once per drop, with the close code and reason. */
  disconnected: [info: Disconnection];
  /** A failed attempt, the give-up, a subscription that could not be restored. */
  error: [error: TetherError];
  /** A packet that is neither an RPC reply nor taken by a subscription: broadcasts, CUSTOM, server-side channels. */
  message: [packet: Packet];
  /** Every packet, sent and received (for logs and tools). */
  packet: [packet: Packet, direction: 'sent' | 'received'];
}

interface Settings extends Required<Omit<TetherClientOptions, 'WebSocket' | 'logger' | 'handshake'>> {
  WebSocket: WebSocketConstructor | undefined;
  logger: Logger | null;
  handshake: TetherClientOptions['handshake'];
}

const DEFAULTS: Omit<Settings, 'WebSocket' | 'logger' | 'random' | 'handshake'> = {
  encoding: 'msgpack',
  callTimeout: 30_000,
  connectTimeout: 5_000,
  handshakeTimeout: 10_000,
  connectAttempts: 5,
  reconnect: true,
  reconnectAttempts: Infinity,
  initialDelay: 1_000,
  maxDelay: 32_000,
  quickFailureWindow: 5_000,
  maxQuickFailures: 3,
  heartbeatInterval: 30_000,
  heartbeatTimeout: 15_000,
  closeTimeout: 2_000,
  maxPendingCalls: 10_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxStreamItems: 10_000,
  maxHeldPackets: 10_000,
};

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  disconnected: ['connecting', 'closed'],
  connecting: ['connected', 'disconnected', 'closed'],
  connected: ['connecting', 'disconnected', 'closed'],
  closed: [],
};

/** The reserved method a heartbeat calls; any answer (an error too) proves the connection alive. */
const PING = '__ping__';
const ABORT = '__abort__';
const CLIENT_CLOSING = 'Client is closing the connection.';
/** Errors of an attempt that no other attempt can change: connecting stops. */
const FATAL = new WeakSet<object>();

interface PendingCall {
  readonly method: string;
  readonly socket: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly stream: StreamCall<unknown> | null;
  timer: ReturnType<typeof setTimeout> | null;
  cleanup: (() => void) | null;
}

interface OpenSocket {
  readonly number: number;
  readonly socket: WebSocketLike;
  readonly codec: Codec;
  ready: boolean;
  readyAt: number;
  lastReceived: number;
}

function settings(options: TetherClientOptions): Settings {
  const merged = { ...DEFAULTS, random: Math.random, ...options } as Settings;
  merged.WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  merged.logger = options.logger === undefined ? console : options.logger;
  const check = (name: keyof Settings, ok: boolean, expected: string) => {
    if (!ok) {
      throw new RangeError(`${name}: ${String(merged[name])} (expected: ${expected})`);
    }
  };
  check('encoding', merged.encoding === 'msgpack' || merged.encoding === 'json', "'msgpack' or 'json'");
  for (const name of ['callTimeout', 'heartbeatInterval', 'maxQuickFailures'] as const) {
    check(name, Number.isFinite(merged[name]) && merged[name] >= 0, '>= 0');
  }
  for (const name of [
    'connectTimeout',
    'handshakeTimeout',
    'heartbeatTimeout',
    'closeTimeout',
    'initialDelay',
    'maxDelay',
    'quickFailureWindow',
    'maxPendingCalls',
    'maxBufferedBytes',
    'maxStreamItems',
    'maxHeldPackets',
  ] as const) {
    check(name, Number.isFinite(merged[name]) && merged[name] > 0, '> 0');
  }
  for (const name of ['connectAttempts', 'reconnectAttempts'] as const) {
    const value = merged[name];
    check(name, value === Infinity || (Number.isInteger(value) && value > 0), 'an integer > 0, or Infinity');
  }
  return merged;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function closeText(code: number, reason: string): string {
  return `code ${code}${reason ? `: ${reason}` : ''}`;
}

/**
 * A webshocket.v1 client for browsers and Node: RPC calls and streams, channels with Tether's recovery, reconnect with
 * full-jitter backoff, heartbeats. Everything runs on the JavaScript event loop; events and subscription handlers are
 * called in the order packets arrive, and one that throws is logged and does not stop the others.
 *
 * ```ts
 * const client = new TetherClient('ws://127.0.0.1:8765/');
 * await client.connect();
 * console.log(await client.call('add', 2, 40)); // 42
 * const sub = client.subscribe('lobby', (p) => console.log(p.data));
 * ```
 */
export class TetherClient {
  readonly url: string;
  private readonly options: Settings;
  private readonly events: Emitter<TetherClientEvents>;
  private currentState: ConnectionState = 'disconnected';

  private open: OpenSocket | null = null;
  private socketNumbers = 0;
  private callIds = 0;
  private readonly pending = new Map<string, PendingCall>();

  private readonly byName = new Map<string, ClientSubscription>();
  private readonly byPattern = new Map<string, ClientSubscription>();

  /** Bumped by disconnect() and close(): an attempt loop of an older run stops. */
  private run = 0;
  private establishing = false;
  private wakeUp: (() => void) | null = null;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private quickFailures = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly onOnline = () => this.wakeUp?.();
  private readonly owner: SubscriptionOwner;

  constructor(url: string, options: TetherClientOptions = {}) {
    if (!/^wss?:\/\//i.test(url)) {
      throw new TypeError(`url: ${url} (expected: a ws:// or wss:// URL)`);
    }
    this.url = url;
    this.options = settings(options);
    this.events = new Emitter((error, event) => this.options.logger?.error(`a '${event}' listener threw`, error));
    this.owner = {
      callBuiltIn: (method, args, kwargs, socket) => this.invoke(method, args, kwargs, {}, socket ?? undefined),
      openSocket: () => this.open?.number ?? null,
      forget: (subscription) => this.forget(subscription),
      unsubscribeOnServer: (channel) =>
        this.invoke('unsubscribe', [channel], {}, {}, this.open?.number).then(
          () => undefined,
          (error) => this.options.logger?.warn(`unsubscribe '${channel}' failed: ${describe(error)}`),
        ),
      listenerFailed: (error, where) => this.options.logger?.error(`${where} threw`, error),
      warn: (message) => this.options.logger?.warn(message),
    };
  }

  /** The connection's state now. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The encoding the open connection speaks, or the one it will ask for. */
  get encoding(): Encoding {
    return this.open?.codec.encoding ?? this.options.encoding;
  }

  /** Calls and streams waiting for their answer. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof TetherClientEvents>(event: K, listener: (...args: TetherClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  off<K extends keyof TetherClientEvents>(event: K, listener: (...args: TetherClientEvents[K]) => void): void {
    this.events.off(event, listener);
  }

  // ---- Connecting ------------------------------------------------------------------------------------------------

  /**
   * Connects, and after every drop reconnects, until disconnect() or close(). Resolves when the session is ready;
   * rejects with `connect_failed` after `connectAttempts` failed attempts, or `closed` if disconnected meanwhile.
   */
  connect(): Promise<void> {
    if (this.currentState === 'closed') {
      return Promise.reject(new TetherError('closed', 'the client is closed'));
    }
    if (this.currentState === 'connected') {
      return Promise.resolve();
    }
    const ready = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.establishing) {
      void this.establish(false);
    }
    return ready;
  }

  private async establish(reconnect: boolean): Promise<void> {
    const run = this.run;
    const attempts = reconnect ? this.options.reconnectAttempts : this.options.connectAttempts;
    this.establishing = true;
    let lastError: unknown = null;
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (reconnect || attempt > 1) {
          this.setState('connecting');
          const delay = fullJitter(this.options, attempt, this.options.random);
          if (!(await this.pause(delay, run))) {
            return;
          }
        }
        this.setState('connecting');
        this.events.emit('connecting', { attempt, reconnect });
        try {
          await this.attempt(run, reconnect);
          return;
        } catch (error) {
          if (run !== this.run) {
            return;
          }
          lastError = error;
          if (FATAL.has(error as object)) {
            break;
          }
          const what = reconnect ? 'reconnection' : 'connection';
          this.report(new TetherError('connect_failed', `${what} attempt ${attempt} failed: ${describe(error)}`, { cause: error }));
        }
      }
      const failure = FATAL.has(lastError as object)
        ? (lastError as TetherError)
        : new TetherError(
            'connect_failed',
            `failed to ${reconnect ? 'reconnect' : 'connect'} to ${this.url} after ${attempts} attempts: ${describe(lastError)}`,
            { cause: lastError },
          );
      this.setState('disconnected');
      this.report(failure);
      this.settleWaiters(failure);
    } finally {
      if (run === this.run) {
        this.establishing = false;
      }
    }
  }

  /** Waits `delay` ms between attempts; false when disconnect() or close() ended the run. `online` cuts it short. */
  private pause(delay: number, run: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), delay);
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(run === this.run);
      };
      this.wakeUp = done;
    });
  }

  /** One attempt: open the socket, restore the subscriptions, then the session is ready. */
  private async attempt(run: number, reconnect: boolean): Promise<void> {
    const started = Date.now();
    const open = await this.openSocket(run);
    let timer: ReturnType<typeof setTimeout> | null = null;
    try {
      const remaining = Math.max(0, this.options.handshakeTimeout - (Date.now() - started));
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not ready within the handshake timeout of ${this.options.handshakeTimeout} ms`)),
          remaining,
        );
      });
      await Promise.race([this.handshake(open.number).then(() => this.restore(open.number)), timeout]);
    } catch (error) {
      this.drop(open, 4000, 'handshake failed', false);
      throw error;
    } finally {
      if (timer !== null) {
        clearTimeout(timer);
      }
    }
    if (run !== this.run || this.open !== open) {
      throw new Error('the connection closed while it was being set up');
    }
    open.ready = true;
    open.readyAt = Date.now();
    open.lastReceived = open.readyAt;
    for (const subscription of [...this.byName.values(), ...this.byPattern.values()]) {
      if (subscription.awaitingFirst) {
        void subscription.ask('first', open.number); // made while this connection was being set up
      }
    }
    this.setState('connected');
    this.startHeartbeat(open);
    this.events.emit('connected', { reconnect, encoding: open.codec.encoding });
    this.settleWaiters(null);
  }

  private openSocket(run: number): Promise<OpenSocket> {
    const WebSocketClass = this.options.WebSocket;
    if (WebSocketClass === undefined) {
      return Promise.reject(
        new TetherError('connect_failed', "no global WebSocket: pass options.WebSocket (in Node 20, the 'ws' package's)"),
      );
    }
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket =
          this.options.encoding === 'msgpack' ? new WebSocketClass(this.url, [SUBPROTOCOL]) : new WebSocketClass(this.url);
      } catch (error) {
        reject(error);
        return;
      }
      socket.binaryType = 'arraybuffer';
      const number = ++this.socketNumbers;
      let settled = false;
      const fail = (message: string) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
          try {
            socket.close();
          } catch {
            // closing a socket that never opened: nothing more to do
          }
          reject(new Error(message));
        }
      };
      const timer = setTimeout(() => fail(`no connection within ${this.options.connectTimeout} ms`), this.options.connectTimeout);
      socket.onerror = (event) => {
        const detail = (event as { message?: string; error?: { code?: string } }) ?? {};
        fail(detail.error?.code ?? detail.message ?? `could not open ${this.url}`);
      };
      socket.onclose = (event) => fail(`closed before it opened (${closeText(event.code, event.reason)})`);
      socket.onopen = () => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (run !== this.run) {
          socket.onclose = socket.onerror = null;
          socket.close(1000, CLIENT_CLOSING);
          reject(new Error('disconnected while connecting'));
          return;
        }
        // A server that does not select the subprotocol treats us as a generic client: it speaks JSON.
        const codec = codecFor(socket.protocol === SUBPROTOCOL ? 'msgpack' : 'json');
        const open: OpenSocket = { number, socket, codec, ready: false, readyAt: 0, lastReceived: Date.now() };
        this.open = open;
        socket.onmessage = (event) => this.received(open, event.data);
        socket.onclose = (event) => this.closed(open, event.code, event.reason);
        socket.onerror = () => {}; // a close event follows
        resolve(open);
      };
    });
  }

  /** The application's handshake on a new socket; an RPC error from it stops connecting (see `handshake`). */
  private async handshake(socket: number): Promise<void> {
    const handshake = this.options.handshake;
    if (handshake === undefined) {
      return;
    }
    try {
      await handshake((method, ...args) => this.invoke(method, args, {}, {}, socket));
    } catch (error) {
      if (error instanceof TetherError && error.kind === 'rpc') {
        const refused = new TetherError('connect_failed', `the handshake was refused: ${error.message}`, {
          code: error.code,
          method: error.method,
          cause: error,
        });
        FATAL.add(refused);
        throw refused;
      }
      throw error;
    }
  }

  /** Subscribes every subscription again on a new socket: `since` their last position, or for the first time. */
  private async restore(socket: number): Promise<void> {
    const asks: Promise<void>[] = [];
    for (const subscription of [...this.byName.values(), ...this.byPattern.values()]) {
      if (subscription.isConfirmed) {
        asks.push(subscription.ask('restore', socket));
      } else if (subscription.awaitingFirst) {
        void subscription.ask('first', socket); // its own ready promise says how it went
      }
    }
    await Promise.all(asks);
  }

  /** Disconnects on purpose (close code 1000): no reconnect until connect() is called again. */
  async disconnect(): Promise<void> {
    await this.stop('disconnected');
  }

  /** Disconnects for good: subscriptions are dropped and the client cannot connect again. */
  async close(): Promise<void> {
    await this.stop('closed');
  }

  private async stop(to: 'disconnected' | 'closed'): Promise<void> {
    if (this.currentState === 'closed') {
      return;
    }
    this.run++;
    this.establishing = false;
    this.wakeUp?.();
    const open = this.open;
    if (open !== null) {
      await this.closeGracefully(open);
    }
    if (to === 'closed') {
      for (const subscription of [...this.byName.values(), ...this.byPattern.values()]) {
        subscription.clientClosed();
      }
      this.byName.clear();
      this.byPattern.clear();
    }
    this.setState(to);
    this.settleWaiters(new TetherError('closed', `${to === 'closed' ? 'close' : 'disconnect'}() was called before the connection was ready`));
  }

  /** Sends our close frame and waits up to `closeTimeout` for the server's; then the socket is dropped. */
  private closeGracefully(open: OpenSocket): Promise<void> {
    return new Promise((resolve) => {
      const wasReady = open.ready;
      const finish = (code: number, reason: string) => {
        clearTimeout(timer);
        this.drop(open, code, reason, false);
        if (wasReady) {
          this.events.emit('disconnected', { code, reason, reconnect: false });
        }
        resolve();
      };
      const timer = setTimeout(() => {
        this.options.logger?.warn(`${this.url}: no close frame from the server within ${this.options.closeTimeout} ms; dropped the socket`);
        finish(1006, 'close timed out');
      }, this.options.closeTimeout);
      open.socket.onclose = (event) => finish(event.code, event.reason);
      open.socket.onmessage = null;
      try {
        open.socket.close(1000, CLIENT_CLOSING);
      } catch {
        finish(1006, 'could not send the close frame');
      }
    });
  }

  /**
   * Forgets a socket: it is closed if it is not yet, its calls fail as disconnected, its subscriptions stop holding.
   * With `handleDrop`, a ready session that ended this way counts as a drop (reconnect, or end).
   */
  private drop(open: OpenSocket, code: number, reason: string, handleDrop: boolean): void {
    if (this.open !== open) {
      return;
    }
    this.open = null;
    this.stopHeartbeat();
    const socket = open.socket;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (socket.readyState === 0 || socket.readyState === 1) {
      try {
        // Ours is not a normal closure: an application code (4000 when the reason was not one), and a reason that fits
        // a close frame (123 bytes).
        socket.close(code >= 3000 && code <= 4999 ? code : 4000, reason.slice(0, 60));
      } catch {
        // already closing
      }
    }
    const disconnected = new TetherError('disconnected', `the connection closed (${closeText(code, reason)}) before the reply`);
    for (const [id, call] of this.pending) {
      if (call.socket === open.number) {
        this.settle(id, call);
        if (call.stream !== null) {
          call.stream.fail(disconnected);
        } else {
          call.reject(disconnected);
        }
      }
    }
    for (const subscription of [...this.byName.values(), ...this.byPattern.values()]) {
      subscription.socketClosed(open.number);
    }
    if (handleDrop && open.ready) {
      this.dropped(open, code, reason);
    }
  }

  /** A ready session dropped: reconnect, unless the server closed normally or it keeps failing at once. */
  private dropped(open: OpenSocket, code: number, reason: string): void {
    const lived = Date.now() - open.readyAt;
    this.quickFailures = lived < this.options.quickFailureWindow ? this.quickFailures + 1 : 0;
    let stopBecause: TetherError | null = null;
    if (this.options.maxQuickFailures > 0 && this.quickFailures >= this.options.maxQuickFailures) {
      stopBecause = new TetherError(
        'connect_failed',
        `connection failed ${this.quickFailures} times immediately after connecting (last: ${closeText(code, reason)})`,
      );
    }
    const reconnect = code !== 1000 && this.options.reconnect && stopBecause === null;
    this.events.emit('disconnected', { code, reason, reconnect });
    if (!reconnect) {
      this.quickFailures = 0;
      this.setState('disconnected');
      if (stopBecause !== null) {
        this.report(stopBecause);
      }
      return;
    }
    void this.establish(true);
  }

  private closed(open: OpenSocket, code: number, reason: string): void {
    this.drop(open, code, reason, true);
  }

  private settleWaiters(error: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (error === null) {
        waiter.resolve();
      } else {
        waiter.reject(error);
      }
    }
  }

  private setState(next: ConnectionState): void {
    const previous = this.currentState;
    if (previous === next) {
      return;
    }
    if (!TRANSITIONS[previous].includes(next)) {
      this.options.logger?.warn(`unexpected state change ${previous} -> ${next}; applied`);
    }
    this.currentState = next;
    // While connecting, a browser's `online` event cuts the wait before the next attempt short.
    const target = globalThis as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
    if (previous === 'disconnected' && next === 'connecting') {
      target.addEventListener?.('online', this.onOnline);
    } else if (next === 'disconnected' || next === 'closed') {
      target.removeEventListener?.('online', this.onOnline);
    }
    this.events.emit('state', next, previous);
  }

  private report(error: TetherError): void {
    if (this.events.has('error')) {
      this.events.emit('error', error);
    } else {
      this.options.logger?.warn(error.message);
    }
  }

  // ---- Heartbeat -------------------------------------------------------------------------------------------------

  private startHeartbeat(open: OpenSocket): void {
    const interval = this.options.heartbeatInterval;
    if (interval <= 0) {
      return;
    }
    let probing = false;
    this.heartbeat = setInterval(() => {
      if (this.open !== open || probing || Date.now() - open.lastReceived < interval) {
        return;
      }
      // Browsers cannot send WebSocket pings, so the probe is a call: any answer, an error too, proves the path alive.
      probing = true;
      const sent = Date.now();
      this.invoke(PING, [], {}, { timeout: this.options.heartbeatTimeout }, open.number).then(
        () => (probing = false),
        () => {
          probing = false;
          if (this.open === open && open.lastReceived <= sent) {
            const reason = `no answer to a heartbeat within ${this.options.heartbeatTimeout} ms`;
            this.options.logger?.warn(`${this.url}: ${reason}; reconnecting`);
            this.drop(open, 1006, reason, true); // no close frame came: abnormal
          }
        },
      );
    }, Math.max(50, Math.min(interval, this.options.heartbeatTimeout) / 2));
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  // ---- Packets ---------------------------------------------------------------------------------------------------

  private received(open: OpenSocket, data: unknown): void {
    if (this.open !== open) {
      return;
    }
    open.lastReceived = Date.now();
    const packet = open.codec.decode(data);
    if (this.events.has('packet')) {
      this.events.emit('packet', packet, 'received');
    }
    if (packet.source === Source.RPC && packet.rpc?.type === 'response') {
      this.answered(packet.rpc);
      return;
    }
    if (packet.source === Source.CHANNEL && packet.channel !== null) {
      let taken = false;
      const named = this.byName.get(packet.channel);
      if (named !== undefined) {
        named.received(packet, open.number);
        taken = true;
      }
      for (const subscription of this.byPattern.values()) {
        if (subscription.matches(packet.channel)) {
          subscription.received(packet, open.number);
          taken = true;
        }
      }
      if (taken) {
        return;
      }
    }
    this.events.emit('message', packet);
  }

  /** Sends a packet on the open socket, or throws: not connected, or more than `maxBufferedBytes` unsent. */
  private write(packet: Packet, socket: number | undefined): void {
    const open = this.open;
    const usable = open !== null && (socket === undefined ? open.ready : open.number === socket);
    if (!usable) {
      throw new TetherError(
        'not_connected',
        packet.source === Source.RPC ? 'Cannot send RPC: client is not connected.' : 'Cannot send data: client is not connected.',
      );
    }
    if (open.socket.bufferedAmount > this.options.maxBufferedBytes) {
      throw new TetherError(
        'backpressure',
        `the socket holds ${open.socket.bufferedAmount} unsent bytes (maxBufferedBytes ${this.options.maxBufferedBytes}); not sent`,
      );
    }
    open.socket.send(open.codec.encode(packet));
    if (this.events.has('packet')) {
      this.events.emit('packet', packet, 'sent');
    }
  }

  /** Sends a CUSTOM packet (source 4) with `data`; throws `not_connected` or `backpressure` when it cannot. */
  send(data: unknown, correlationId: string | null = null): void {
    this.write(
      { source: Source.CUSTOM, data, rpc: null, channel: null, timestamp: null, correlationId },
      undefined,
    );
  }

  // ---- Calls -----------------------------------------------------------------------------------------------------

  /** Calls `method` with positional arguments; resolves with its result, rejects with a {@link TetherError}. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    return this.invoke(method, args, {}, {}, undefined) as Promise<T>;
  }

  /**
   * Calls a streaming method: iterate the items with `for await`. Breaking out of the loop, cancel(), or the signal
   * of {@link with} sends `__abort__`, and the server stops the stream.
   */
  stream<T = unknown>(method: string, ...args: unknown[]): RpcStream<T> {
    return this.openStream<T>(method, args, {});
  }

  /** Calls with per-call options: `client.with({ signal, timeout, kwargs }).call('m', 1)`. */
  with(options: CallOptions): {
    call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
    stream<T = unknown>(method: string, ...args: unknown[]): RpcStream<T>;
  } {
    return {
      call: <T>(method: string, ...args: unknown[]) =>
        this.invoke(method, args, options.kwargs ?? {}, options, undefined) as Promise<T>,
      stream: <T>(method: string, ...args: unknown[]) => this.openStream<T>(method, args, options),
    };
  }

  private nextCallId(): string {
    this.callIds = this.callIds >= Number.MAX_SAFE_INTEGER ? 1 : this.callIds + 1;
    return String(this.callIds);
  }

  private request(method: string, args: unknown[], kwargs: Record<string, unknown>, callId: string): Packet {
    return {
      source: Source.RPC,
      data: null,
      rpc: { type: 'request', method, args, kwargs, call_id: callId },
      channel: null,
      timestamp: null,
      correlationId: null,
    };
  }

  private invoke(
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    options: CallOptions,
    socket: number | undefined,
  ): Promise<unknown> {
    const signal = options.signal;
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.pending.size >= this.options.maxPendingCalls) {
      return Promise.reject(
        new TetherError('backpressure', `${this.pending.size} calls in flight (maxPendingCalls); '${method}' not sent`, { method }),
      );
    }
    const callId = this.nextCallId();
    try {
      this.write(this.request(method, args, kwargs, callId), socket);
    } catch (error) {
      return Promise.reject(error instanceof TetherError ? withMethod(error, method) : error);
    }
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        method,
        socket: socket ?? this.open!.number,
        resolve,
        reject,
        stream: null,
        timer: null,
        cleanup: null,
      };
      const timeout = options.timeout ?? this.options.callTimeout;
      if (timeout > 0 && Number.isFinite(timeout)) {
        call.timer = setTimeout(() => {
          this.settle(callId, call);
          reject(new TetherError('timeout', `call '${method}' got no answer within ${timeout} ms`, { method }));
        }, timeout);
      }
      if (signal !== undefined) {
        const onAbort = () => {
          this.settle(callId, call);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        call.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(callId, call);
    });
  }

  private openStream<T>(method: string, args: unknown[], options: CallOptions): RpcStream<T> {
    const callId = this.nextCallId();
    const stream = new StreamCall<T>(callId, this.options.maxStreamItems, () => this.abortStream(callId));
    const signal = options.signal;
    if (signal?.aborted) {
      stream.fail(signal.reason);
      return stream;
    }
    if (this.pending.size >= this.options.maxPendingCalls) {
      stream.fail(new TetherError('backpressure', `${this.pending.size} calls in flight (maxPendingCalls); '${method}' not sent`, { method }));
      return stream;
    }
    try {
      this.write(this.request(method, args, options.kwargs ?? {}, callId), undefined);
    } catch (error) {
      stream.fail(error instanceof TetherError ? withMethod(error, method) : error);
      return stream;
    }
    const call: PendingCall = {
      method,
      socket: this.open!.number,
      resolve: () => {},
      reject: () => {},
      stream: stream as StreamCall<unknown>,
      timer: null,
      cleanup: null,
    };
    if (signal !== undefined) {
      const onAbort = () => {
        this.abortStream(callId);
        stream.fail(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.cleanup = () => signal.removeEventListener('abort', onAbort);
    }
    this.pending.set(callId, call);
    return stream;
  }

  /** Tells the server to stop a stream (no answer comes); items already on their way are dropped. */
  private abortStream(callId: string): void {
    const call = this.pending.get(callId);
    if (call === undefined) {
      return;
    }
    this.settle(callId, call);
    try {
      this.write(this.request(ABORT, [callId], {}, this.nextCallId()), call.socket);
    } catch {
      // the connection is gone, and the stream with it
    }
  }

  private settle(callId: string, call: PendingCall): void {
    this.pending.delete(callId);
    if (call.timer !== null) {
      clearTimeout(call.timer);
    }
    call.cleanup?.();
  }

  private answered(rpc: RpcResponse): void {
    const call = this.pending.get(rpc.call_id);
    if (call === undefined) {
      return; // timed out, aborted, or not ours
    }
    const stream = call.stream;
    if (rpc.error !== null) {
      this.settle(rpc.call_id, call);
      const error = rpcError(call.method, rpc.error, rpc.response);
      if (stream !== null) {
        stream.fail(error);
      } else {
        call.reject(error);
      }
      return;
    }
    if (stream !== null) {
      if (rpc.is_stream && rpc.is_end) {
        this.settle(rpc.call_id, call);
        stream.end();
      } else if (!stream.push(rpc.response)) {
        this.abortStream(rpc.call_id);
        stream.fail(
          new TetherError('overflow', `stream '${call.method}': the consumer fell ${this.options.maxStreamItems} items behind (maxStreamItems); cancelled`, {
            method: call.method,
          }),
        );
      } else if (!rpc.is_stream) {
        this.settle(rpc.call_id, call); // a unary method called as a stream: its one result, then the end
        stream.end();
      }
      return;
    }
    if (rpc.is_stream && !rpc.is_end) {
      this.abortStream(rpc.call_id); // a streaming method called as a unary one: its first item is the result
    } else {
      this.settle(rpc.call_id, call);
    }
    call.resolve(rpc.is_stream && rpc.is_end ? null : rpc.response);
  }

  // ---- Channels --------------------------------------------------------------------------------------------------

  /**
   * Subscribes to a channel name or glob pattern (`room.*`) through the server's built-in `subscribe`; the handler
   * hears its publications. Works before connect() and across reconnects: the subscription is made again on every
   * new connection, for a name `since` its last position, so that what was missed is recovered (Tether's extension;
   * docs/protocol.md), and `onSubscribed` says whether it was. `ready` settles with the first answer.
   */
  subscribe<T = unknown>(
    channel: string,
    handler: ((publication: import('./types.js').Publication<T>) => void) | SubscriptionHandlers<T>,
    options: SubscribeOptions = {},
  ): Subscription {
    if (this.currentState === 'closed') {
      throw new TetherError('closed', 'the client is closed');
    }
    if (typeof channel !== 'string' || channel === '') {
      throw new TypeError(`channel: '${String(channel)}' (expected: a channel name or glob pattern)`);
    }
    if (this.byName.has(channel) || this.byPattern.has(channel)) {
      throw new Error(`channel: '${channel}' (expected: one not subscribed yet; unsubscribe first)`);
    }
    const handlers: SubscriptionHandlers<T> = typeof handler === 'function' ? { onPublication: handler } : handler;
    const subscription = new ClientSubscription<T>(
      this.owner,
      channel,
      handlers,
      { recover: options.recover ?? true, joinLeave: options.joinLeave ?? false },
      this.options.maxHeldPackets,
    );
    if (subscription.isPattern && options.joinLeave) {
      throw new TypeError(`channel: '${channel}' (expected: a channel name for joinLeave, not a pattern)`);
    }
    (subscription.isPattern ? this.byPattern : this.byName).set(channel, subscription as ClientSubscription);
    if (this.open?.ready) {
      void subscription.ask('first', this.open.number);
    }
    return subscription;
  }

  /** The channels and patterns subscribed, in the order they were. */
  subscriptions(): string[] {
    return [...this.byName.keys(), ...this.byPattern.keys()];
  }

  /** Who is present in a channel that tracks presence, on every node (the built-in `presence`). */
  async presence(channel: string): Promise<PresenceMember[]> {
    const result = await this.call<unknown>('presence', channel);
    if (!Array.isArray(result)) {
      throw new TetherError('refused', `presence '${channel}': the answer ${JSON.stringify(result)} is not a list`);
    }
    return result.map((item) => {
      const map = (item ?? {}) as Record<string, unknown>;
      return { session: String(map.session ?? ''), info: map.info ?? null };
    });
  }

  private forget(subscription: ClientSubscription): void {
    const map = subscription.isPattern ? this.byPattern : this.byName;
    if (map.get(subscription.channel) === subscription) {
      map.delete(subscription.channel);
    }
  }
}

function withMethod(error: TetherError, method: string): TetherError {
  return error.method === null
    ? new TetherError(error.kind, error.message, { code: error.code, method, data: error.data, cause: error.cause })
    : error;
}

/** The error of an error reply: the message is the server's, and an application error's data is kept. */
function rpcError(method: string, code: number, response: unknown): TetherError {
  let message: string;
  let data: unknown;
  if (typeof response === 'string') {
    message = response;
  } else if (response !== null && typeof response === 'object' && typeof (response as { message?: unknown }).message === 'string') {
    message = (response as { message: string }).message;
    data = (response as { data?: unknown }).data;
  } else {
    message = JSON.stringify(response) ?? String(response);
  }
  return new TetherError('rpc', message, { code, method, data });
}
