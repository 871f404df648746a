// A TCP proxy on loopback between the client and the server, for faults the server does not make on its own:
// dropAll() cuts every connection at once (the client sees an abnormal close), block() refuses new ones until
// unblock(). It forwards bytes untouched.
import net from 'node:net';

export async function startProxy(targetPort) {
  const sockets = new Set();
  let blocked = false;
  const server = net.createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const socket of pair) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        for (const other of pair) other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    block() {
      blocked = true;
    },
    unblock() {
      blocked = false;
    },
    /** Cuts every connection: a reset, no close frame. */
    dropAll() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    close() {
      this.dropAll();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
