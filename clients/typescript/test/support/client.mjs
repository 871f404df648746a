// The client under test, from the built package (npm run build), with the `ws` package's WebSocket: Node 20 has no
// global one. Quiet by default: tests that care about warnings pass their own logger.
import WebSocket from 'ws';
import { TetherClient } from '../../dist/index.js';

export const quiet = { warn() {}, error() {} };

export function newClient(url, options = {}) {
  return new TetherClient(url, { WebSocket, logger: quiet, ...options });
}

export { WebSocket };
