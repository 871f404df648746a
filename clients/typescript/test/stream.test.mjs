// Streaming calls against the demo's count(n): items in order, the end, errors, and cancel in three ways, each of
// which must send __abort__ with the stream's call id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RpcErrorCode } from '../dist/index.js';
import { newClient } from './support/client.mjs';
import { startServer } from './support/server.mjs';

let server;
let client;
const aborts = [];
before(async () => {
  server = await startServer();
  client = newClient(server.url);
  client.on('packet', (packet, direction) => {
    if (direction === 'sent' && packet.rpc?.method === '__abort__') aborts.push(packet.rpc.args[0]);
  });
  await client.connect();
});
after(async () => {
  await client?.close();
  await server?.stop();
});

test('a stream yields every item in order, then ends', async () => {
  const items = [];
  for await (const item of client.stream('count', 4)) items.push(item);
  assert.deepEqual(items, [1, 2, 3, 4]);
  assert.equal(client.pendingCalls, 0);
});

test('leaving the loop early aborts the stream on the server', async () => {
  const stream = client.stream('count', 50);
  const items = [];
  for await (const item of stream) {
    items.push(item);
    if (items.length === 2) break;
  }
  assert.deepEqual(items, [1, 2]);
  assert.ok(aborts.includes(stream.callId), `__abort__ ${stream.callId} was sent`);
  assert.equal(client.pendingCalls, 0);
});

test('cancel() ends the iteration and aborts the stream', async () => {
  const stream = client.stream('count', 50);
  const first = await stream.next();
  assert.deepEqual(first, { value: 1, done: false });
  stream.cancel();
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  assert.ok(aborts.includes(stream.callId));
});

test('an AbortSignal ends the loop with its reason and aborts the stream', async () => {
  const controller = new AbortController();
  const stream = client.with({ signal: controller.signal }).stream('count', 50);
  const items = [];
  await assert.rejects(
    (async () => {
      for await (const item of stream) {
        items.push(item);
        if (items.length === 3) controller.abort(new Error('enough'));
      }
    })(),
    /enough/,
  );
  assert.deepEqual(items, [1, 2, 3]);
  assert.ok(aborts.includes(stream.callId));
  assert.equal(client.pendingCalls, 0);
});

test('an error reply ends the loop with a TetherError', async () => {
  await assert.rejects(
    (async () => {
      for await (const item of client.stream('count', 0)) assert.fail(`unexpected item ${item}`);
    })(),
    (error) => error.kind === 'rpc' && error.code === RpcErrorCode.APPLICATION_ERROR && /expected/.test(error.message),
  );
});

test('a stream of a method that does not exist ends with METHOD_NOT_FOUND', async () => {
  await assert.rejects(
    (async () => {
      for await (const item of client.stream('nope')) assert.fail(`unexpected item ${item}`);
    })(),
    (error) => error.code === RpcErrorCode.METHOD_NOT_FOUND,
  );
});

test('a consumer that falls behind more than maxStreamItems gets overflow, and the stream is aborted', async () => {
  const small = newClient(server.url, { maxStreamItems: 2 });
  const sent = [];
  small.on('packet', (packet, direction) => direction === 'sent' && sent.push(packet.rpc?.method));
  await small.connect();
  try {
    const stream = small.stream('count', 10);
    // Not iterating: items pile up until the third does not fit.
    const error = await new Promise((resolve) => {
      const poll = small.on('packet', () => {
        if (sent.includes('__abort__')) {
          poll();
          resolve(stream.next().then(() => stream.next()).then(() => stream.next()).catch((e) => e));
        }
      });
    });
    assert.equal(error.kind, 'overflow');
  } finally {
    await small.close();
  }
});
