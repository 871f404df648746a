#!/usr/bin/env node
// Bundle size of tether-client against centrifuge-js and socket.io-client, as a web
// developer's bundler would ship each of them to a browser.
//
// Run it from clients/typescript after building the package:
//
//   npm run build
//   node bench/bundle-size.mjs            # markdown table on stdout
//   node bench/bundle-size.mjs --json     # the same numbers as JSON
//   node bench/bundle-size.mjs --package DIR --keep
//
//   --package DIR  the tether-client package to measure (default: this script's parent dir)
//   --json         print JSON instead of a markdown table
//   --keep         keep the temporary directory (its path is printed on stderr)
//
// What it does, and why:
// - In a fresh directory under os.tmpdir() it installs, with npm from the registry, exactly
//   what a user would get: tether-client is `npm pack`ed and the tarball installed (so the
//   package's "files" and its @msgpack/msgpack dependency count, not the working tree), and
//   the peers at the versions pinned below, plus the pinned esbuild.
// - Each client gets a one-line entry file with the equivalent import — the name a user
//   writes to open a connection — and stores it on globalThis so nothing is tree-shaken away.
// - Every entry is bundled with the same esbuild settings (BUILD_OPTIONS below), and the
//   output measured raw-minified, gzip level 9 and brotli quality 11 (node:zlib).
// So the numbers are the cost, in bytes over the wire, of adding each client to a web app.
// They are an upper bound for an app that uses only part of a client's API.
// Progress goes to stderr; the temp dir is removed at the end unless --keep.
// Needs Node 20+ and npm with access to the npm registry; nothing else.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

// Pinned so that runs on different days compare the same code; bump them on purpose.
// The latest of each major when this was written (npm view centrifuge version;
// npm view socket.io-client@4 version). esbuild is the version the project pins elsewhere.
const CENTRIFUGE_VERSION = '5.8.0';
const SOCKET_IO_CLIENT_VERSION = '4.8.4';
const ESBUILD_VERSION = '0.28.2';

// The settings a typical browser app build uses; the same for every client so that the
// numbers differ only by the client's own code and dependencies. With platform 'browser'
// and minify, esbuild also defines process.env.NODE_ENV as "production", as app builds do.
const BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
};

// The optional protobuf build of centrifuge, measured as its own row when the pinned
// version exports it.
const CENTRIFUGE_PROTOBUF = 'centrifuge/build/protobuf';

const log = (message) => process.stderr.write(`[bundle-size] ${message}\n`);

/** An error whose message is all the user needs: printed without a stack trace. */
class UsageError extends Error {}

function parseOptions() {
  const defaultPackage = fileURLToPath(new URL('..', import.meta.url));
  try {
    const { values } = parseArgs({
      options: {
        package: { type: 'string', default: defaultPackage },
        json: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { ...values, package: resolve(values.package) };
  } catch (error) {
    throw new UsageError(`${error.message} (see --help)`);
  }
}

/** npm's own error lines, without the stack trace and object dump that follow them. */
function npmErrorSummary(stderr) {
  const lines = stderr.trim().split('\n');
  const stackStart = lines.findIndex((line) => /^npm error\s+at /.test(line));
  return (stackStart === -1 ? lines : lines.slice(0, stackStart)).join('\n');
}

// Children still running, so that an interrupted run can stop them before removing the
// temp dir (an npm install left running would write it back).
const children = new Set();

/** Runs npm (or another command), resolving with its stdout; rejects with its errors. */
function run(command, args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      reject(
        error.code === 'ENOENT'
          ? new UsageError(`${command} was not found on PATH: install Node.js with npm`)
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new UsageError(`${command} ${args.join(' ')} failed (exit ${code}):\n${npmErrorSummary(stderr)}`));
    });
  });
}

const npm = (args, cwd) => run('npm', [...args, '--no-update-notifier'], cwd);

/** Fails early, with one clear message, when npm or the registry cannot be used. */
async function checkNpmAndRegistry(cwd) {
  const version = (await npm(['--version'], cwd)).trim();
  const registry = (await npm(['config', 'get', 'registry'], cwd)).trim();
  try {
    // Without these a registry that drops packets would keep npm retrying for minutes.
    await npm(['ping', '--fetch-timeout=30000', '--fetch-retries=0'], cwd);
  } catch (error) {
    throw new UsageError(`the npm registry ${registry} is not reachable (npm ping failed):\n${error.message}`);
  }
  log(`npm ${version}, registry ${registry}`);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The package to measure must be a built tether-client, or the import cannot resolve. */
function checkTetherPackage(dir) {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) throw new UsageError(`no package.json in ${dir} (see --package)`);
  const { name } = readJson(manifestPath);
  if (name !== 'tether-client') {
    throw new UsageError(`${manifestPath} is package "${name}", not "tether-client" (see --package)`);
  }
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    throw new UsageError(`${dir}/dist/index.js is missing: run \`npm run build\` there first`);
  }
}

/**
 * Packs tether-client into dir and returns the tarball's path. Scripts are skipped: the
 * bench measures what was built, and a prepack/prepare script would also print into the
 * JSON that npm pack writes on stdout.
 */
async function packTether(packageDir, dir) {
  log(`packing tether-client from ${packageDir}`);
  const [packed] = JSON.parse(
    await npm(['pack', packageDir, '--pack-destination', dir, '--json', '--ignore-scripts'], dir),
  );
  // A "files" field or .npmignore that leaves out dist/ would ship a broken package.
  if (!packed.files.some((file) => file.path === 'dist/index.js')) {
    throw new UsageError(`the packed ${packed.filename} has no dist/index.js: check "files" in package.json`);
  }
  return join(dir, packed.filename);
}

/** Installs everything into dir at once, with npm, the way a user's app would get it. */
async function installAll(dir, tetherTarball) {
  // A package.json of its own stops npm from walking up to some other project.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bundle-size', private: true }));
  const specs = [
    tetherTarball,
    `centrifuge@${CENTRIFUGE_VERSION}`,
    `socket.io-client@${SOCKET_IO_CLIENT_VERSION}`,
    `esbuild@${ESBUILD_VERSION}`,
  ];
  log(`installing ${specs.join(', ')}`);
  await npm(['install', '--no-save', '--no-audit', '--no-fund', ...specs], dir);
}

const installedManifest = (dir, name) => readJson(join(dir, 'node_modules', name, 'package.json'));

/** The clients to measure: each an import a user would write, and the name it imports. */
function clients(dir) {
  const list = [
    { library: 'tether-client', package: 'tether-client', specifier: 'tether-client', name: 'TetherClient' },
    { library: 'centrifuge', package: 'centrifuge', specifier: 'centrifuge', name: 'Centrifuge' },
  ];
  // The protobuf build was added within 5.x; measure it only where the package exports it.
  const { exports = {} } = installedManifest(dir, 'centrifuge');
  const subpath = `./${CENTRIFUGE_PROTOBUF.slice('centrifuge/'.length)}`;
  if (subpath in exports) {
    list.push({ library: 'centrifuge (protobuf)', package: 'centrifuge', specifier: CENTRIFUGE_PROTOBUF, name: 'Centrifuge' });
  } else {
    log(`centrifuge ${installedManifest(dir, 'centrifuge').version} does not export ${subpath}: no protobuf row`);
  }
  list.push({ library: 'socket.io-client', package: 'socket.io-client', specifier: 'socket.io-client', name: 'io' });
  return list;
}

/** Bundles one client's entry with the shared settings and returns the minified bytes. */
async function bundle(esbuild, dir, client) {
  const entry = join(dir, `entry-${client.library.replace(/\W+/g, '-')}.mjs`);
  // Assigning the import to a global keeps the bundler from dropping it as unused.
  writeFileSync(
    entry,
    `import { ${client.name} } from '${client.specifier}';\nglobalThis.client = ${client.name};\n`,
  );
  const result = await esbuild.build({
    ...BUILD_OPTIONS,
    entryPoints: [entry],
    absWorkingDir: dir,
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}

function sizes(bytes) {
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

async function measure(dir) {
  // esbuild is loaded from the temp dir: the bench has no dependencies of its own.
  const esbuild = createRequire(join(dir, 'package.json'))('esbuild');
  const rows = [];
  for (const client of clients(dir)) {
    log(`bundling ${client.library}: import { ${client.name} } from '${client.specifier}'`);
    const { version } = installedManifest(dir, client.package);
    rows.push({
      library: client.library,
      version,
      import: `import { ${client.name} } from '${client.specifier}'`,
      ...sizes(await bundle(esbuild, dir, client)),
    });
  }
  return { esbuild: esbuild.version, rows };
}

function markdownTable({ esbuild, dependencies, rows }) {
  const bytes = (n) => n.toLocaleString('en-US');
  const lines = [
    '| library | version | minified bytes | gzip bytes | brotli bytes |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.library} | ${r.version} | ${bytes(r.minified)} | ${bytes(r.gzip)} | ${bytes(r.brotli)} |`),
    '',
    `esbuild ${esbuild}: ${Object.entries(BUILD_OPTIONS).map(([k, v]) => `${k}=${v}`).join(', ')};` +
      ' gzip level 9, brotli quality 11.',
    `tether-client's dependencies as installed: ${Object.entries(dependencies).map(([n, v]) => `${n} ${v}`).join(', ') || 'none'}.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The versions npm installed for tether-client's own dependencies (e.g. @msgpack/msgpack). */
function tetherDependencies(dir) {
  const { dependencies = {} } = installedManifest(dir, 'tether-client');
  return Object.fromEntries(Object.keys(dependencies).map((name) => [name, installedManifest(dir, name).version]));
}

function logInstalled(dir, { esbuild, dependencies }) {
  const tether = installedManifest(dir, 'tether-client').version;
  const tetherDeps = Object.entries(dependencies).map(([n, v]) => ` + ${n} ${v}`).join('');
  const peers = ['centrifuge', 'socket.io-client'].map((n) => `${n} ${installedManifest(dir, n).version}`);
  log(`installed: tether-client ${tether}${tetherDeps}, ${peers.join(', ')}, esbuild ${esbuild}`);
}

/** Stops a child and waits for it to exit. */
function stop(child) {
  return new Promise((resolvePromise) => {
    child.once('exit', resolvePromise);
    child.kill('SIGTERM');
  });
}

function usage() {
  return readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.startsWith('//'))
    .slice(0, 14)
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .join('\n');
}

async function main() {
  const options = parseOptions();
  if (options.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  checkTetherPackage(options.package);

  const dir = mkdtempSync(join(tmpdir(), 'tether-bundle-size-'));
  const cleanUp = () => {
    if (options.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C or kill while npm runs should not leave the temp dir behind either.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      await Promise.all([...children].map(stop));
      cleanUp();
      process.exit(128 + osConstants.signals[signal]);
    });
  }
  try {
    await checkNpmAndRegistry(dir);
    await installAll(dir, await packTether(options.package, dir));
    const result = { ...(await measure(dir)), dependencies: tetherDependencies(dir) };
    logInstalled(dir, result);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ buildOptions: BUILD_OPTIONS, gzipLevel: 9, brotliQuality: 11, ...result }, null, 2)}\n`
        : markdownTable(result),
    );
  } finally {
    cleanUp();
  }
}

main().catch((error) => {
  process.stderr.write(`bundle-size: ${error instanceof UsageError ? error.message : error.stack}\n`);
  process.exit(1);
});
