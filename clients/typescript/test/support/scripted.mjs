// A scripted WebSocket peer (the `ws` package's server) for what a real Tether server does not do on purpose:
// closing at once, going silent, answering twice, sending garbage. `onConnection(socket, request)` is the script.
import { WebSocketServer } from 'ws';

export async function scriptedServer(onConnection) {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('webshocket.v1') ? 'webshocket.v1' : false),
  });
  await new Promise((resolve) => server.once('listening', resolve));
  let connections = 0;
  server.on('connection', (socket, request) => {
    connections++;
    onConnection(socket, request, connections);
  });
  const port = server.address().port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    get connections() {
      return connections;
    },
    /** The connections open now. */
    get sockets() {
      return server.clients;
    },
    close() {
      for (const client of server.clients) client.terminate();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
