// The server restarts under the client: calls and streams in flight fail as retryable, the client reconnects to the
// new process and restores its subscriptions. On one node the history dies with the process, so the restore says
// recovered: false; with Redis behind two nodes it survives, and the client gets what it missed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { newClient } from './support/client.mjs';
import { Recorder, once } from './support/events.mjs';
import { startServer } from './support/server.mjs';

const fast = { initialDelay: 50, maxDelay: 200 };

test('after the server restarts, the client reconnects and subscribes again', async (t) => {
  // The stream below would hold a drain for its whole timeout: 2 s is enough to see it end as a drop.
  let server = await startServer(['--drain-timeout', '2s']);
  const port = server.port;
  const client = newClient(server.url, fast);
  t.after(async () => {
    await client.close();
    await server.stop();
  });
  await client.connect();
  const channel = `restart-${randomUUID().slice(0, 8)}`;
  const heard = new Recorder('publications');
  const answers = new Recorder('subscribed');
  await client.subscribe(channel, { onPublication: heard.record, onSubscribed: answers.record }).ready;
  const first = await answers.next();

  const stream = client.stream('count', 1000);
  assert.deepEqual(await stream.next(), { value: 1, done: false });
  const dropped = once(client, 'disconnected', 30_000);
  await server.stop();
  assert.deepEqual(await dropped, { code: 1001, reason: 'Server is shutting down.', reconnect: true });
  const failure = await (async () => {
    for (;;) await stream.next(); // items already received, then the failure
  })().catch((e) => e);
  assert.equal(failure.kind, 'disconnected');
  assert.equal(failure.retryable, true);
  assert.equal(client.state, 'connecting');

  const reconnected = once(client, 'connected', 60_000);
  server = await startServer(['--drain-timeout', '2s'], port);
  assert.deepEqual(await reconnected, { reconnect: true, encoding: 'msgpack' });
  const restored = await answers.next();
  assert.equal(restored.recovered, false, 'a new process keeps no history: a new epoch');
  assert.notEqual(restored.position.epoch, first.position.epoch);
  assert.equal(await client.call('say', channel, 'after'), 1);
  const after = await heard.next();
  assert.equal(after.data.text, 'after');
  assert.equal(after.position.offset, restored.position.offset + 1);
});

test('with Redis behind two nodes, a client whose node restarts recovers what the other node published', async (t) => {
  const prefix = `tether-ts-${randomUUID().slice(0, 8)}:`;
  const broker = ['--broker', 'redis://127.0.0.1:6379', '--broker-prefix', prefix];
  let nodeA = await startServer(broker);
  const nodeB = await startServer(broker);
  const portA = nodeA.port;
  const client = newClient(nodeA.url, fast);
  const publisher = newClient(nodeB.url);
  t.after(async () => {
    await Promise.all([client.close(), publisher.close()]);
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    removeKeys(prefix);
  });
  await Promise.all([client.connect(), publisher.connect()]);
  const channel = `cluster-${randomUUID().slice(0, 8)}`;
  const heard = new Recorder('publications');
  const answers = new Recorder('subscribed');
  await client.subscribe(channel, { onPublication: heard.record, onSubscribed: answers.record }).ready;
  await answers.next();
  await publisher.call('say', channel, 'm1');
  assert.equal((await heard.next()).data.text, 'm1');

  const dropped = once(client, 'disconnected', 30_000);
  await nodeA.stop();
  await dropped;
  await publisher.call('say', channel, 'm2');
  await publisher.call('say', channel, 'm3');
  const reconnected = once(client, 'connected', 60_000);
  nodeA = await startServer(broker, portA);
  await reconnected;
  const restored = await answers.next();
  assert.equal(restored.recovered, true);
  assert.equal(restored.recoveredPublications, 2);
  const [m2, m3] = await heard.take(2);
  assert.deepEqual([m2.data.text, m3.data.text], ['m2', 'm3']);
  assert.equal(m3.position.offset, m2.position.offset + 1);
});

/** Deletes the test's keys from Redis (best effort: with redis-cli, which Debian's redis-server brings). */
function removeKeys(prefix) {
  const scan = spawnSync('redis-cli', ['--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' });
  const keys = (scan.stdout ?? '').split('\n').filter(Boolean);
  if (keys.length > 0) spawnSync('redis-cli', ['del', ...keys]);
}
