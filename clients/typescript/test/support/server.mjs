// `tether serve` (the demo server) in a process of its own, for the tests: the CLI jar the Maven build makes
// (TETHER_JAR, or tether-cli/target/tether.jar of this checkout). Its port is read from its log line
// "Demo page: http://127.0.0.1:PORT/".
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEFAULT_JAR = fileURLToPath(new URL('../../../../tether-cli/target/tether.jar', import.meta.url));
const PAGE = /Demo page: http:\/\/127\.0\.0\.1:(\d+)\//;

export function jarPath() {
  const jar = process.env.TETHER_JAR ?? DEFAULT_JAR;
  if (!existsSync(jar)) {
    throw new Error(
      `no tether.jar at ${jar}: build it with ./tether --version at the repository root, or set TETHER_JAR`,
    );
  }
  return jar;
}

/** Starts `tether serve --port PORT ARGS…` (port 0: any free one) and resolves once it serves. */
export async function startServer(args = [], port = 0) {
  const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
  const child = spawn(java, ['-Xmx256m', '-jar', jarPath(), 'serve', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const served = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tether serve did not start in 60 s:\n${lines.join('\n')}`)), 60_000);
    const read = (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) lines.push(line);
        const page = PAGE.exec(line);
        if (page) {
          clearTimeout(timer);
          resolve(Number(page[1]));
        }
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tether serve ended with ${code}:\n${lines.join('\n')}`));
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const actual = await served;
  return {
    port: actual,
    url: `ws://127.0.0.1:${actual}/`,
    lines,
    /** Stops it with SIGTERM (the server closes every session with 1001) and waits for the process to end. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
    /** Kills it with SIGKILL: no close frames. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}
