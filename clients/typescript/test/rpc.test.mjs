// RPC against the real demo server (`tether serve`): results, errors as TetherError, both encodings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RpcErrorCode, TetherError } from '../dist/index.js';
import { newClient } from './support/client.mjs';
import { startServer } from './support/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

for (const encoding of ['msgpack', 'json']) {
  describe(`over ${encoding}`, () => {
    let client;
    before(async () => {
      client = newClient(server.url, { encoding });
      await client.connect();
    });
    after(() => client.close());

    test('speaks the encoding it asked for', () => {
      assert.equal(client.encoding, encoding);
      assert.equal(client.state, 'connected');
    });

    test('call resolves with the result', async () => {
      assert.equal(await client.call('add', 2, 40), 42);
      assert.deepEqual(await client.call('echo', { nested: [1, 'two', null, true] }), { nested: [1, 'two', null, true] });
    });

    test('calls in flight together are matched to their replies', async () => {
      const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => client.call('add', i, 1000)));
      assert.deepEqual(sums, Array.from({ length: 200 }, (_, i) => i + 1000));
    });

    test('an unknown method rejects with METHOD_NOT_FOUND', async () => {
      const error = await client.call('nope').then(() => null, (e) => e);
      assert.ok(error instanceof TetherError);
      assert.equal(error.kind, 'rpc');
      assert.equal(error.code, RpcErrorCode.METHOD_NOT_FOUND);
      assert.equal(error.method, 'nope');
      assert.equal(error.message, "RPC method 'nope' not found.");
      assert.equal(error.retryable, false);
    });

    test('an application error carries its code and message', async () => {
      const error = await client.call('fail', 'app').then(() => null, (e) => e);
      assert.equal(error.code, RpcErrorCode.APPLICATION_ERROR);
      assert.match(error.message, /.+/);
    });

    test('wrong arguments reject with INVALID_PARAMS saying what was expected', async () => {
      const error = await client.call('add', 1, 'two').then(() => null, (e) => e);
      assert.equal(error.code, RpcErrorCode.INVALID_PARAMS);
      assert.match(error.message, /expected/);
    });

    test('a method behind a permission rejects with ACCESS_DENIED until login', async () => {
      const fresh = newClient(server.url, { encoding });
      await fresh.connect();
      try {
        const denied = await fresh.call('secret').then(() => null, (e) => e);
        assert.equal(denied.code, RpcErrorCode.ACCESS_DENIED);
        await fresh.call('login', 'ada');
        assert.notEqual(await fresh.call('secret'), undefined);
      } finally {
        await fresh.close();
      }
    });

    test('a call over the rate limit rejects with RATE_LIMIT_EXCEEDED', async () => {
      const fresh = newClient(server.url, { encoding });
      await fresh.connect();
      try {
        const results = await Promise.allSettled([1, 2, 3, 4].map(() => fresh.call('limited')));
        const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
        assert.equal(refused.length, 1);
        assert.equal(refused[0].code, RpcErrorCode.RATE_LIMIT_EXCEEDED);
      } finally {
        await fresh.close();
      }
    });

    test('kwargs and a timeout per call go through with()', async () => {
      assert.equal(await client.with({ timeout: 5_000, kwargs: {} }).call('add', 1, 2), 3);
    });

    test('an aborted signal rejects the call with its reason', async () => {
      const controller = new AbortController();
      const pending = client.with({ signal: controller.signal }).call('echo', 'x');
      controller.abort(new Error('changed my mind'));
      await assert.rejects(pending, /changed my mind/);
      assert.equal(client.pendingCalls, 0);
    });
  });
}

test('bytes travel as MessagePack bin and come back as Uint8Array', async () => {
  const client = newClient(server.url);
  await client.connect();
  try {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const echoed = await client.call('echo', bytes);
    assert.ok(echoed instanceof Uint8Array);
    assert.deepEqual([...echoed], [...bytes]);
  } finally {
    await client.close();
  }
});

test('bytes travel as base64 in JSON', async () => {
  const client = newClient(server.url, { encoding: 'json' });
  await client.connect();
  try {
    assert.equal(await client.call('echo', new Uint8Array([104, 105, 33])), 'aGkh');
  } finally {
    await client.close();
  }
});

test('a call without a connection rejects at once as not connected, retryable', async () => {
  const client = newClient(server.url);
  const error = await client.call('add', 1, 2).then(() => null, (e) => e);
  assert.equal(error.kind, 'not_connected');
  assert.equal(error.retryable, true);
  assert.equal(error.message, 'Cannot send RPC: client is not connected.');
});

test('the handshake runs before the session is ready, on the connection being made', async () => {
  const client = newClient(server.url, {
    handshake: async (call) => {
      await call('login', 'ada');
    },
  });
  await client.connect();
  try {
    assert.equal((await client.call('whoami')).username, 'ada');
  } finally {
    await client.close();
  }
});

test('a handshake the server refuses stops connecting at once, without retrying', async () => {
  let attempts = 0;
  const client = newClient(server.url, {
    initialDelay: 10,
    handshake: async (call) => {
      attempts++;
      await call('secret'); // ACCESS_DENIED before a login
    },
  });
  const error = await client.connect().then(() => null, (e) => e);
  assert.equal(error.kind, 'connect_failed');
  assert.equal(error.code, RpcErrorCode.ACCESS_DENIED);
  assert.match(error.message, /^the handshake was refused: Access denied for RPC method 'secret'\.$/);
  assert.equal(attempts, 1);
  assert.equal(client.state, 'disconnected');
});
