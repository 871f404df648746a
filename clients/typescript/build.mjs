// Builds the package: dist/index.js (ESM for npm, @msgpack/msgpack left as an import), the type declarations
// (tsc, which also type-checks), and dist/browser/tether-client.js, a minified ESM bundle with MessagePack inside
// that a page can load without a bundler (the demo of `tether serve` does). Run: npm run build.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = new URL('.', import.meta.url).pathname;
rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });

const common = {
  entryPoints: [here + 'src/index.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};
await build({ ...common, outfile: here + 'dist/index.js', platform: 'neutral', external: ['@msgpack/msgpack'] });
await build({ ...common, outfile: here + 'dist/browser/tether-client.js', platform: 'browser', minify: true });

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', here + 'tsconfig.json'], { stdio: 'inherit' });
