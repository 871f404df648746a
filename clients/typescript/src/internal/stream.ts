// The consumer side of a streaming call: an async iterator over a bounded buffer of items. The server has no flow
// control, so a consumer that falls `limit` items behind cancels the stream (overflow) rather than let memory grow.
/** A streaming call: iterate it with `for await`; leaving the loop early, or cancel(), aborts it on the server. */
export interface RpcStream<T = unknown> extends AsyncIterableIterator<T> {
  /** The call's id on the wire, as `__abort__` names it. */
  readonly callId: string;
  /** Stops the stream: the server is told (`__abort__`), and the iteration ends at once. */
  cancel(): void;
}

export class StreamCall<T> implements RpcStream<T> {
  private readonly items: T[] = [];
  private head = 0;
  private done = false;
  private failure: unknown = null;
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;

  constructor(
    readonly callId: string,
    private readonly limit: number,
    private readonly abort: (stream: StreamCall<T>) => void,
  ) {}

  get finished(): boolean {
    return this.done || this.failure !== null;
  }

  /** An item arrived; false when the buffer was full (the caller then fails the stream with overflow). */
  push(item: T): boolean {
    if (this.finished) {
      return true;
    }
    if (this.waiting !== null) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length - this.head >= this.limit) {
      return false;
    }
    this.items.push(item);
    return true;
  }

  end(): void {
    if (this.finished) {
      return;
    }
    this.done = true;
    this.wake();
  }

  fail(error: unknown): void {
    if (this.finished) {
      return;
    }
    this.failure = error;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    if (waiting === null) {
      return;
    }
    this.waiting = null;
    if (this.failure !== null) {
      waiting.reject(this.failure);
    } else {
      waiting.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head]!;
      this.items[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null; // reported once; the iteration is over
      this.done = true;
      return Promise.reject(failure);
    }
    if (this.done) {
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiting !== null) {
      return Promise.reject(new Error('next() called again before the previous call settled'));
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  cancel(): void {
    if (!this.finished) {
      this.done = true;
      this.abort(this);
      this.wake();
    }
    this.items.length = 0;
    this.head = 0;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
