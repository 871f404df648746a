// One subscription of the client, from subscribe() until it ends: what it matches, the last position delivered, and
// the packets held while a `subscribe` of it waits for its answer.
//
// Why hold: the server queues the answer and the first live publications from different threads, so live ones can
// overtake the answer; after a gap the skipped publications come inside the answer. Holding what arrives meanwhile,
// then delivering only what comes after the answer's position, keeps offset order without duplicates
// (docs/protocol.md, "Tether's extension"). Names use the extension; patterns are plain webshocket.v1 subscriptions.
import { TetherError } from '../errors.js';
import type { Packet, PresenceMember, Publication, StreamPosition, Subscribed } from '../types.js';
import { Glob, isPattern } from './glob.js';

/** Hears one subscription. Only `onPublication` is needed; a plain function is taken as it. */
export interface SubscriptionHandlers<T = unknown> {
  /** A publication, live or recovered; with positions, at most once per epoch and in offset order. */
  onPublication(publication: Publication<T>): void;
  /** The server answered a subscribe: the first, each restore after a reconnect, each fetch after a gap. */
  onSubscribed?(subscribed: Subscribed): void;
  /** While connected, a publication skipped offsets or changed epoch; with `recover` the skipped ones are fetched. */
  onGap?(expected: StreamPosition, got: StreamPosition): void;
  /** A session joined the channel (with `joinLeave`). */
  onJoin?(member: PresenceMember): void;
  /** A session left the channel (with `joinLeave`). */
  onLeave?(member: PresenceMember): void;
  /** The subscription ended, once: `null` after unsubscribe(), the reason when the server refused it again. */
  onUnsubscribed?(error: TetherError | null): void;
}

export interface SubscribeOptions {
  /** After a reconnect or a gap, ask for what was missed (`since` the last position). Default true. */
  recover?: boolean;
  /** Receive join and leave events of the channel, when the server tracks its presence. Default false. */
  joinLeave?: boolean;
}

/** A subscription, as `TetherClient.subscribe` returns it. */
export interface Subscription {
  readonly channel: string;
  /** Whether `channel` is a glob pattern (a plain subscription: no positions, no recovery). */
  readonly isPattern: boolean;
  /** Settles with the server's first answer; rejects when the server refuses or the subscription ends first. */
  readonly ready: Promise<Subscribed>;
  /** The position of the last publication delivered, or where the last answer started; null without positions. */
  readonly position: StreamPosition | null;
  /** Ends the subscription here and on the server. */
  unsubscribe(): Promise<void>;
}

/** What a subscription needs from its client. */
export interface SubscriptionOwner {
  /** Calls a built-in method on the socket numbered `socket` (the current one when null), even while restoring. */
  callBuiltIn(method: string, args: unknown[], kwargs: Record<string, unknown>, socket: number | null): Promise<unknown>;
  /** The number of the socket that is open now, or null. */
  openSocket(): number | null;
  forget(subscription: ClientSubscription): void;
  unsubscribeOnServer(channel: string): Promise<void>;
  listenerFailed(error: unknown, where: string): void;
  warn(message: string): void;
}

export type Ask = 'first' | 'restore' | 'gap';

interface Reply {
  recoverable: boolean;
  position: StreamPosition | null;
  recovered: boolean | null;
  publications: unknown[];
}

const PLAIN: Reply = { recoverable: false, position: null, recovered: null, publications: [] };

function positionOf(offset: unknown, epoch: unknown): StreamPosition | null {
  return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 && typeof epoch === 'string' && epoch
    ? { offset, epoch }
    : null;
}

function memberOf(value: unknown): PresenceMember {
  const map = (value ?? {}) as Record<string, unknown>;
  return { session: String(map.session ?? ''), info: map.info ?? null };
}

/** The answer, or null when the server refused (its subscription limit); throws for one that is not subscribe's. */
function parse(result: unknown): Reply | null {
  if (typeof result === 'boolean') {
    return result ? PLAIN : null; // a server without Tether's extension, or a pattern
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new Error(`the answer ${JSON.stringify(result)} is not one of subscribe's (expected: true, false or a map)`);
  }
  const map = result as Record<string, unknown>;
  if (map.subscribed !== true) {
    return null;
  }
  return {
    recoverable: map.recoverable === true,
    position: positionOf(map.offset, map.epoch),
    recovered: typeof map.recovered === 'boolean' ? map.recovered : null,
    publications: Array.isArray(map.publications) ? map.publications : [],
  };
}

export class ClientSubscription<T = unknown> implements Subscription {
  readonly isPattern: boolean;
  readonly ready: Promise<Subscribed>;
  private readonly matcher: Glob | null;
  private resolveReady!: (subscribed: Subscribed) => void;
  private rejectReady!: (error: Error) => void;

  /** The first subscribe succeeded: the subscription is restored after every reconnect. */
  private confirmed = false;
  private ended = false;
  private recoverable = false;
  private last: StreamPosition | null = null;
  /** Numbers the subscribes sent; an answer to another than `asking` is stale. */
  private asks = 0;
  /** The subscribe whose answer ends the holding; 0 when live; -1 while the first is still to be sent. */
  private asking = -1;
  /** The socket of the last ask or packet. */
  private socket: number | null = null;
  private held: Packet[] = [];
  private droppedWhileHeld = 0;

  constructor(
    private readonly owner: SubscriptionOwner,
    readonly channel: string,
    private readonly handlers: SubscriptionHandlers<T>,
    private readonly options: Required<SubscribeOptions>,
    private readonly maxHeld: number,
  ) {
    this.isPattern = isPattern(channel);
    this.matcher = this.isPattern ? new Glob(channel) : null;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // a subscription nobody awaits must not be an unhandled rejection
  }

  get position(): StreamPosition | null {
    return this.last;
  }

  /** Whether a CHANNEL packet of `channel` belongs to this subscription. */
  matches(channel: string): boolean {
    return this.matcher === null ? channel === this.channel : this.matcher.matches(channel);
  }

  /** Whether the next connection must send its first subscribe (it was made, or its ask lost, while disconnected). */
  get awaitingFirst(): boolean {
    return !this.ended && !this.confirmed && this.asking === -1;
  }

  get isConfirmed(): boolean {
    return this.confirmed && !this.ended;
  }

  unsubscribe(): Promise<void> {
    if (this.ended) {
      return Promise.resolve();
    }
    const wasConfirmed = this.confirmed;
    this.owner.forget(this);
    this.ended = true;
    this.held = [];
    if (!wasConfirmed) {
      this.rejectReady(new TetherError('closed', `unsubscribed from '${this.channel}' before the server answered`));
    }
    this.notify('onUnsubscribed', (h) => h.onUnsubscribed?.(null));
    return this.owner.openSocket() === null ? Promise.resolve() : this.owner.unsubscribeOnServer(this.channel);
  }

  // ---- Asking ------------------------------------------------------------------------------------------------

  /**
   * Sends a `subscribe` (since the last position, if any) and holds what arrives until its answer. Resolves when
   * the answer was handled; rejects only for a restore that another connection attempt may get through.
   */
  async ask(why: Ask, socket: number | null): Promise<void> {
    const id = ++this.asks;
    this.asking = id;
    this.socket = socket ?? this.owner.openSocket();
    const since = why !== 'first' && this.options.recover ? this.last : null;
    let result: unknown;
    try {
      result = await this.owner.callBuiltIn('subscribe', [this.channel], this.kwargs(since), socket);
    } catch (error) {
      if (!this.ended && id === this.asking) {
        this.failed(why, error);
      }
      if (why === 'restore' && !this.ended && error instanceof TetherError && error.retryable) {
        throw error;
      }
      return;
    }
    if (this.ended || id !== this.asking) {
      return; // unsubscribed, or asked again on a newer socket
    }
    let reply: Reply | null;
    try {
      reply = parse(result);
    } catch (malformed) {
      this.refused(why, new TetherError('refused', `subscribe '${this.channel}': ${(malformed as Error).message}`));
      return;
    }
    if (reply === null) {
      this.refused(
        why,
        new TetherError('refused', `subscribe '${this.channel}': the server refused (subscribed: false, at its limit)`),
      );
      return;
    }
    this.apply(why, since, reply);
  }

  private kwargs(since: StreamPosition | null): Record<string, unknown> {
    if (this.isPattern) {
      return {};
    }
    const kwargs: Record<string, unknown> = { positions: true };
    if (since !== null) {
      kwargs.since = { offset: since.offset, epoch: since.epoch };
    }
    if (this.options.joinLeave) {
      kwargs.join_leave = true;
    }
    return kwargs;
  }

  private failed(why: Ask, error: unknown): void {
    const retryable = error instanceof TetherError && error.retryable;
    if (why === 'first') {
      if (retryable) {
        this.asking = -1; // the connection went: the next one asks again
        this.held = [];
        return;
      }
      this.failFirst(error instanceof Error ? error : new Error(String(error)));
    } else if (!retryable && error instanceof TetherError && error.kind === 'rpc') {
      this.refused(why, error); // the server says no: retrying cannot help
    } else if (why === 'restore') {
      this.asking = 0; // the attempt fails; the next socket asks again
      this.held = [];
    } else {
      this.owner.warn(
        `could not fetch the publications of '${this.channel}' that a gap skipped (${String(error)}); going on without them`,
      );
      this.asking = 0;
      const first = this.held.shift(); // the publication that revealed the gap, already reported
      if (first !== undefined) {
        const position = this.positionIn(first);
        this.publish(first, position);
        this.last = position;
      }
      this.releaseHeld();
    }
  }

  private refused(why: Ask, error: TetherError): void {
    if (why === 'first') {
      this.failFirst(error);
      return;
    }
    this.owner.warn(`the server refused to subscribe to '${this.channel}' again (${error.message}); forgetting it`);
    this.end(error);
  }

  private failFirst(error: Error): void {
    this.owner.forget(this);
    this.ended = true;
    this.held = [];
    this.rejectReady(error);
  }

  private apply(why: Ask, since: StreamPosition | null, reply: Reply): void {
    this.recoverable = reply.recoverable;
    const recovered = since !== null && reply.recovered === true;
    const missed = recovered ? this.missed(reply) : [];
    if (reply.position !== null || !recovered) {
      this.last = reply.position; // recovered: the last of the missed ones; otherwise where the live ones start
    } else if (missed.length > 0) {
      this.last = missed[missed.length - 1]!.position;
    }
    this.confirmed = true;
    this.asking = 0;
    const answer: Subscribed = {
      channel: this.channel,
      recoverable: reply.recoverable,
      position: reply.position,
      recovered: why === 'first' ? null : recovered,
      recoveredPublications: missed.length,
    };
    this.notify('onSubscribed', (h) => h.onSubscribed?.(answer));
    if (why === 'first') {
      this.resolveReady(answer);
    }
    for (const publication of missed) {
      this.notify('onPublication', (h) => h.onPublication(publication));
    }
    this.releaseHeld();
  }

  /** The publications of the answer after the last one delivered, oldest first. */
  private missed(reply: Reply): Publication<T>[] {
    const position = reply.position;
    if (position === null) {
      return [];
    }
    let after = this.last;
    const missed: Publication<T>[] = [];
    for (const item of reply.publications) {
      const map = item as Record<string, unknown> | null;
      const at = map === null || typeof map !== 'object' ? null : positionOf(map.offset, position.epoch);
      if (at === null) {
        this.owner.warn(`a recovered publication of '${this.channel}' is not a map with an offset; skipped`);
        continue;
      }
      if (after !== null && after.epoch === at.epoch && at.offset <= after.offset) {
        continue;
      }
      const packet: Packet = {
        source: 2,
        data: map!.data ?? null,
        rpc: null,
        channel: this.channel,
        timestamp: typeof map!.timestamp === 'number' ? map!.timestamp : null,
        correlationId: typeof map!.correlation_id === 'string' ? map!.correlation_id : null,
        tether: { offset: at.offset, epoch: at.epoch },
      };
      missed.push({ channel: this.channel, data: packet.data as T, position: at, packet });
      after = at;
    }
    return missed;
  }

  // ---- Packets -----------------------------------------------------------------------------------------------

  /** A CHANNEL packet for this subscription arrived on socket `socket`. */
  received(packet: Packet, socket: number): void {
    if (this.ended) {
      return;
    }
    this.socket = socket;
    this.accept(packet);
  }

  private accept(packet: Packet): void {
    if (this.asking !== 0) {
      this.hold(packet);
      return;
    }
    const extension = packet.tether;
    if (packet.data === null && extension != null) {
      if (extension.join != null) {
        const member = memberOf(extension.join);
        this.notify('onJoin', (h) => h.onJoin?.(member));
        return;
      }
      if (extension.leave != null) {
        const member = memberOf(extension.leave);
        this.notify('onLeave', (h) => h.onLeave?.(member));
        return;
      }
    }
    const position = this.positionIn(packet);
    const before = this.last;
    if (position === null || before === null) {
      this.publish(packet, position);
      if (position !== null) {
        this.last = position;
      }
      return;
    }
    const sameEpoch = position.epoch === before.epoch;
    if (sameEpoch && position.offset <= before.offset) {
      return; // already delivered
    }
    if (sameEpoch && position.offset === before.offset + 1) {
      this.publish(packet, position);
      this.last = position;
      return;
    }
    const expected: StreamPosition = { offset: before.offset + 1, epoch: before.epoch };
    this.notify('onGap', (h) => h.onGap?.(expected, position));
    if (this.options.recover && this.recoverable && this.socket !== null && this.socket === this.owner.openSocket()) {
      this.hold(packet);
      void this.ask('gap', this.socket);
    } else {
      this.publish(packet, position);
      this.last = position;
    }
  }

  private positionIn(packet: Packet): StreamPosition | null {
    const extension = packet.tether;
    return extension == null || this.isPattern ? null : positionOf(extension.offset, extension.epoch);
  }

  private hold(packet: Packet): void {
    if (this.held.length < this.maxHeld) {
      this.held.push(packet);
      return;
    }
    if (this.droppedWhileHeld++ === 0) {
      this.owner.warn(
        `holding ${this.maxHeld} packets of '${this.channel}' while its subscribe is answered (maxHeldPackets); ` +
          'dropping newer ones: the next publication shows them as a gap, which fetches them again',
      );
    }
  }

  private releaseHeld(): void {
    this.droppedWhileHeld = 0;
    const backlog = this.held;
    this.held = [];
    for (const packet of backlog) {
      this.accept(packet);
    }
  }

  private publish(packet: Packet, position: StreamPosition | null): void {
    const publication: Publication<T> = { channel: packet.channel ?? this.channel, data: packet.data as T, position, packet };
    this.notify('onPublication', (h) => h.onPublication(publication));
  }

  // ---- The end, and sockets closing --------------------------------------------------------------------------

  private end(error: TetherError | null): void {
    this.owner.forget(this);
    this.ended = true;
    this.held = [];
    this.notify('onUnsubscribed', (h) => h.onUnsubscribed?.(error));
  }

  /** The socket numbered `socket` closed: what was held on it is gone, and the next socket asks again. */
  socketClosed(socket: number): void {
    if (this.socket !== socket) {
      return;
    }
    this.held = [];
    if (this.confirmed) {
      this.asking = 0;
    } else if (!this.ended) {
      this.asking = -1;
    }
  }

  /** The client closed: the subscription ends without a callback, and a first subscribe still waiting fails. */
  clientClosed(): void {
    if (!this.ended && !this.confirmed) {
      this.rejectReady(new TetherError('closed', `the client closed before '${this.channel}' was subscribed`));
    }
    this.ended = true;
    this.held = [];
  }

  private notify(where: string, event: (handlers: SubscriptionHandlers<T>) => void): void {
    try {
      event(this.handlers);
    } catch (error) {
      this.owner.listenerFailed(error, `${where} of subscription '${this.channel}'`);
    }
  }
}
