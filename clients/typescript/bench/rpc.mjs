#!/usr/bin/env node
// The RPC throughput of one TypeScript TetherClient on one connection, measured as `tether bench client` measures
// the Java client: the same options, the same closed loop (DEPTH calls in flight, each answer issues the next call),
// the same checks and the same JSON keys, so that the two lines compare key by key.
//
//   npm run build && node bench/rpc.mjs --url ws://127.0.0.1:8765/ --method add --depth 64 --json
//
// No dependencies beyond the client's own: the client comes from ../dist/index.js (or --client PATH), `ws` is
// resolved from beside the client (a devDependency of the package), and percentiles come from a sorted array.

import { readdirSync, readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: node bench/rpc.mjs [--url URL] [--method add|echo] [-s CHARS] [-d D] [-t T] [--warmup T] [--json]
                         [--client PATH]
Measures the TypeScript client: one TetherClient (MessagePack, its defaults but one connect attempt), one
connection, DEPTH calls in flight; each answer issues the next call (closed loop).

add calls add(1, 2); echo calls echo(s) with a string of SIZE ASCII characters. Every answer is checked.
calls/s and latency (call -> answer, ms) count the calls answered in the window; errors count the whole run;
cpu is this process's (process.cpuUsage()), in cores over the window.

      --url URL        The server, on a loopback address (default: ws://127.0.0.1:8765/).
      --method NAME    add or echo (default: add).
  -s, --size CHARS     echo only: characters of the string echoed (default: 64).
  -d, --depth D        Calls in flight, 1..1024 (default: 64).
  -t, --duration T     How long to measure, as 10s, 1.5m (default: 10s; at most 1h).
      --warmup T       Calls before measuring starts (default: 2s).
      --json           Print one line of JSON instead of the table.
      --client PATH    The client module (default: ../dist/index.js beside this script).
  -h, --help           Show this help message and exit.`;

const METHODS = ['add', 'echo'];
const MAX_DEPTH = 1024; // the Java client's maxPendingCalls; the same cap on both sides
const MAX_SIZE = 512 * 1024;
const MAX_SECONDS = 3600;
/** Latencies kept for the percentiles; beyond, a uniform sample of the window (the count and max stay exact). */
const MAX_SAMPLES = 2_000_000;
/** How long the calls still in flight after the window may take to come back before the client closes. */
const DRAIN_MS = 5_000;

/** A usage error: one line and exit code 2, as picocli does for `tether bench client`. */
class UsageError extends Error {}

function parsePeriod(name, text) {
  // As dev.tether.core.Durations.parsePeriod: a number and s, m, h or d.
  const match = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smhd])$/.exec(text);
  if (match === null) {
    throw new UsageError(`${name}: ${text} (expected: a number and s, m or h, as 10s)`);
  }
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2]];
}

function parseInteger(name, text, min, max) {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}: ${text} (expected: ${min}..${max})`);
  }
  return value;
}

function isLoopback(address) {
  return isIP(address) === 4 ? address.startsWith('127.') : address === '::1' || address === '::ffff:127.0.0.1';
}

/** Fails unless every address of the URL's host is a loopback address: the bench measures this machine only. */
async function requireLoopback(url) {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new UsageError(`host: ${host} (expected: a loopback address; it does not resolve)`);
  }
  const away = addresses.find((a) => !isLoopback(a.address));
  if (away !== undefined) {
    throw new UsageError(
      `host: ${host} is ${away.address} (expected: a loopback address such as 127.0.0.1 or localhost;` +
        ' the bench only measures servers on this machine)',
    );
  }
}

async function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:8765/' },
      method: { type: 'string', default: 'add' },
      size: { type: 'string', short: 's', default: '64' },
      depth: { type: 'string', short: 'd', default: '64' },
      duration: { type: 'string', short: 't', default: '10s' },
      warmup: { type: 'string', default: '2s' },
      json: { type: 'boolean', default: false },
      client: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return null;
  }
  let url;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`url: ${values.url} (expected: ws://HOST:PORT/)`);
  }
  if (url.protocol !== 'ws:') {
    throw new UsageError(`url: ${values.url} (expected: ws://HOST:PORT/)`);
  }
  await requireLoopback(url);
  if (!METHODS.includes(values.method)) {
    throw new UsageError(`method: ${values.method} (expected: one of [${METHODS.join(', ')}])`);
  }
  const duration = parsePeriod('duration', values.duration);
  if (!(duration > 0) || duration > MAX_SECONDS) {
    throw new UsageError(`duration: ${values.duration} (expected: > 0 and <= 1 hour)`);
  }
  const warmup = parsePeriod('warmup', values.warmup);
  if (warmup > MAX_SECONDS) {
    throw new UsageError(`warmup: ${values.warmup} (expected: >= 0 and <= 1 hour)`);
  }
  return {
    url: values.url,
    method: values.method,
    size: parseInteger('size', values.size, 0, MAX_SIZE),
    depth: parseInteger('depth', values.depth, 1, MAX_DEPTH),
    duration,
    warmup,
    json: values.json,
    client: values.client === undefined ? new URL('../dist/index.js', import.meta.url) : pathToFileURL(values.client),
  };
}

/** The `ws` package's WebSocket, from beside the client (then beside this script), or Node's global one (22+). */
function webSocketClass(clientUrl) {
  for (const from of [clientUrl, import.meta.url]) {
    try {
      return createRequire(from)('ws');
    } catch {
      // not installed there
    }
  }
  if (globalThis.WebSocket !== undefined) {
    return globalThis.WebSocket;
  }
  throw new Error("no WebSocket: install the 'ws' package beside the client (npm install in clients/typescript)");
}

/** Nanoseconds this process's threads waited for a CPU while runnable (Linux; -1 elsewhere), as the Java bench. */
function cpuWaitNanos() {
  try {
    let total = 0;
    for (const task of readdirSync('/proc/self/task')) {
      try {
        total += Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').trim().split(' ')[1]);
      } catch {
        // the thread ended between listing and reading
      }
    }
    return total;
  } catch {
    return -1;
  }
}

/** CPU nanoseconds of the main thread, which runs the event loop and the client (Linux; -1 elsewhere). */
function mainThreadCpuNanos() {
  try {
    const line = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000_000; // utime, stime in ticks of 10 ms
  } catch {
    return -1;
  }
}

/** As HdrHistogram's getValueAtPercentile: the smallest value at or above which lies `percentile` % of them. */
function percentile(sorted, count, p) {
  if (count === 0) {
    return 0;
  }
  const rank = Math.max(1, Math.round((p / 100) * count));
  return sorted[Math.min(rank, count) - 1];
}

const round = (value, decimals) => Math.round(value * 10 ** decimals) / 10 ** decimals;

async function run(o) {
  const { TetherClient } = await import(o.client.href);
  const WebSocket = webSocketClass(o.client.href);
  const client = new TetherClient(o.url, { WebSocket, connectAttempts: 1 });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`could not connect to ${o.url}: ${error?.message ?? error}`);
  }

  const add = o.method === 'add';
  const payload = 'x'.repeat(o.size);
  const latencies = new Float64Array(MAX_SAMPLES);
  let samples = 0; // kept in `latencies`
  let calls = 0; // answered in the window
  let maxMs = 0;
  let measuring = false;
  let running = true;
  let inFlight = o.depth;
  let errors = 0;
  let firstError = null;
  let seed = 0x2545f491; // xorshift32 with a fixed seed: the sample is the same run after run
  let drained = null;

  const record = (ms) => {
    calls++;
    if (ms > maxMs) {
      maxMs = ms;
    }
    if (samples < MAX_SAMPLES) {
      latencies[samples++] = ms;
      return;
    }
    // Reservoir sampling (algorithm R): every answered call of the window is kept with the same probability.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const slot = (seed >>> 0) % calls;
    if (slot < MAX_SAMPLES) {
      latencies[slot] = ms;
    }
  };
  const retire = () => {
    inFlight--;
    if (inFlight === 0 && !running && drained !== null) {
      drained();
    }
  };
  const failed = (error) => {
    errors++;
    firstError ??= error;
    retire(); // a connection that is gone fails every call at once: going on would spin
  };
  const issue = () => {
    const sent = performance.now();
    let answer;
    try {
      answer = add ? client.call('add', 1, 2) : client.call('echo', payload);
    } catch (error) {
      failed(error);
      return;
    }
    answer.then((result) => {
      const ms = performance.now() - sent;
      const ok = add ? Number(result) === 3 : typeof result === 'string' && result.length === payload.length;
      if (!ok) {
        failed(new Error(`unexpected result: ${String(result).slice(0, 80)}`));
        return;
      }
      if (measuring) {
        record(ms);
      }
      if (running) {
        issue();
      } else {
        retire();
      }
    }, failed);
  };

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < o.depth; i++) {
    issue();
  }
  await sleep(o.warmup * 1000);

  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpuNanos();
  const waitStart = cpuWaitNanos();
  const start = performance.now();
  measuring = true;
  await sleep(o.duration * 1000);
  measuring = false;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const mainEnd = mainThreadCpuNanos();
  const waitEnd = cpuWaitNanos();

  running = false;
  if (inFlight > 0) {
    await Promise.race([new Promise((resolve) => (drained = resolve)), sleep(DRAIN_MS)]);
  }
  const undrained = inFlight;
  const failures = errors; // before close(), which fails the calls still in flight
  await client.close();

  const sorted = latencies.subarray(0, samples).sort();
  return {
    seconds,
    calls,
    p50: percentile(sorted, samples, 50),
    p90: percentile(sorted, samples, 90),
    p99: percentile(sorted, samples, 99),
    max: maxMs,
    sampled: calls > samples,
    errors: failures,
    firstError,
    undrained,
    cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
    mainCores: mainStart < 0 || mainEnd < 0 ? -1 : (mainEnd - mainStart) / 1e9 / seconds,
    waitCores: waitStart < 0 || waitEnd < 0 ? -1 : Math.max(0, waitEnd - waitStart) / 1e9 / seconds,
  };
}

function json(o, r) {
  return JSON.stringify({
    client: 'typescript',
    method: o.method,
    size: o.method === 'echo' ? o.size : null,
    depth: o.depth,
    duration_s: round(r.seconds, 3),
    calls: r.calls,
    calls_per_s: round(r.calls / r.seconds, 1),
    p50_ms: round(r.p50, 3),
    p90_ms: round(r.p90, 3),
    p99_ms: round(r.p99, 3),
    max_ms: round(r.max, 3),
    errors: r.errors,
    cpu_cores: round(r.cpuCores, 3),
  });
}

function table(o, r) {
  const n = (value, digits = 0) =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const ms = (value) => `${value.toFixed(3)} ms`;
  const row = (name, value) => `  ${name.padEnd(12)} ${value}\n`;
  let out =
    `client typescript  ${o.method === 'echo' ? `echo(${o.size} chars)` : 'add(1, 2)'}  ${o.url}  depth=${o.depth}` +
    `  ${r.seconds.toFixed(1)}s measured\n\n`;
  out += row('calls', `${n(r.calls / r.seconds)}/s  (${n(r.calls)})`);
  out += row(
    'latency',
    `p50 ${ms(r.p50)}  p90 ${ms(r.p90)}  p99 ${ms(r.p99)}  max ${ms(r.max)}` +
      (r.sampled ? `  (percentiles of a sample of ${n(MAX_SAMPLES)})` : ''),
  );
  out += row('errors', `${r.errors}${r.firstError === null ? '' : `  (first: ${r.firstError})`}`);
  if (r.undrained > 0) {
    out += row('undrained', `${r.undrained} calls unanswered ${DRAIN_MS / 1000} s after the window`);
  }
  out += row(
    'client cpu',
    `${r.cpuCores.toFixed(2)} cores (process; its main thread ${r.mainCores.toFixed(2)}),` +
      ` ${r.waitCores.toFixed(2)} waiting for a CPU`,
  );
  return out;
}

async function main() {
  let o;
  try {
    o = await options(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || error?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`rpc.mjs: ${error.message}\nTry --help for the options.\n`);
      return 2;
    }
    throw error;
  }
  if (o === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let r;
  try {
    r = await run(o);
  } catch (error) {
    process.stderr.write(`rpc.mjs: ${error?.message ?? error}\n`);
    return 1;
  }
  if (o.json && r.firstError !== null) {
    process.stderr.write(`rpc.mjs: first error: ${r.firstError}\n`);
  }
  process.stdout.write(o.json ? `${json(o, r)}\n` : table(o, r));
  return 0;
}

// Exit at once: a client's leftover timers must not keep the process, nor stretch the next run's start.
process.exit(await main());
