// Waiting on events without sleeping: a recorder queues what a callback hears, and next() waits for the next item
// (with a timeout that fails the test instead of hanging it).
export class Recorder {
  constructor(name = 'events') {
    this.name = name;
    this.items = [];
    this.waiters = [];
  }

  /** The callback to hand out: records its first argument (or all of them, as an array, when there are several). */
  get record() {
    return (...args) => this.push(args.length === 1 ? args[0] : args);
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(item);
    } else {
      this.items.push(item);
    }
  }

  /** The next item, waiting at most `timeout` ms. */
  next(timeout = 10_000) {
    if (this.items.length > 0) {
      return Promise.resolve(this.items.shift());
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, timer: null };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name}: nothing within ${timeout} ms`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  /** The next `n` items. */
  async take(n, timeout = 10_000) {
    const taken = [];
    for (let i = 0; i < n; i++) taken.push(await this.next(timeout));
    return taken;
  }

  /** Waits for the first item that satisfies `predicate`, dropping the ones before it. */
  async until(predicate, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const item = await this.next(Math.max(1, deadline - Date.now()));
      if (predicate(item)) return item;
    }
  }

  get pending() {
    return this.items.length;
  }
}

/** Resolves with the event's argument(s) the next time `client` emits it. */
export function once(client, event, timeout = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${event}' within ${timeout} ms`));
    }, timeout);
    const off = client.on(event, (...args) => {
      clearTimeout(timer);
      off();
      resolve(args.length === 1 ? args[0] : args);
    });
  });
}
