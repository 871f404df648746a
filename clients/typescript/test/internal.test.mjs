// The internals that have rules of their own, tested directly: the glob matcher against the server's
// ChannelPatternTest table, and the backoff's full jitter. esbuild bundles src/internal in memory for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';

async function load(entry) {
  const result = await build({
    entryPoints: [new URL(`../src/internal/${entry}`, import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

const { Glob, isPattern } = await load('glob.ts');
const { fullJitter } = await load('backoff.ts');

// The rows of tether-core's ChannelPatternTest.matchesLikeShellGlob: the client must agree with the server.
const TABLE = [
  ['news.*', 'news.sport', true],
  ['news.*', 'news.sport.1', true],
  ['news.*', 'news.', true],
  ['news.*', 'news', false],
  ['news.*', 'NEWS.sport', false],
  ['news.sport.?', 'news.sport.1', true],
  ['news.sport.?', 'news.sport.12', false],
  ['news.sport.?', 'news.sport.', false],
  ['news.market.[ABC]', 'news.market.A', true],
  ['news.market.[ABC]', 'news.market.C', true],
  ['news.market.[ABC]', 'news.market.D', false],
  ['news.market.[ABC]', 'news.market.a', false],
  ['news.market.[ABC]', 'news.market.AB', false],
  ['room.[!x]', 'room.y', true],
  ['room.[!x]', 'room.x', false],
  ['room.[!x]', 'room.', false],
  ['room.[a-c]1', 'room.b1', true],
  ['room.[a-c]1', 'room.d1', false],
  ['*', 'anything.at.all', true],
  ['*.*', 'a.b', true],
  ['*.*', 'ab', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'aXXbYYc', true],
  ['a*b*c', 'aXXbYY', false],
  ['**', 'x', true],
  ['[]]', ']', true],
  ['[!]]x', 'ax', true],
  ['[!]]x', ']x', false],
  ['plain', 'plain', true],
  ['plain', 'plainer', false],
  ['room.[z-a]', 'room.m', false],
];

for (const [pattern, name, expected] of TABLE) {
  test(`${pattern} ~ ${name} = ${expected}`, () => {
    assert.equal(new Glob(pattern).matches(name), expected);
  });
}

test('what is a pattern: any of * ? [ ]', () => {
  assert.deepEqual(
    ['news.*', 'a?', '[x]', 'x]', 'news.sport', 'a-b_c.d'].map(isPattern),
    [true, true, true, true, false, false],
  );
});

test('an unclosed [ is refused, as the server refuses it', () => {
  for (const pattern of ['news.[AB', '[', 'x[!', 'a[]']) {
    assert.throws(() => new Glob(pattern), /closed by a '\]'/);
  }
});

test('many stars against a long name that does not match finish (no exponential backtracking)', () => {
  const name = 'a'.repeat(5000) + 'b';
  assert.equal(new Glob('a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c').matches(name), false);
});

test('full jitter: each wait lies in [0, min(max, initial * 2^(n-1)))', () => {
  const policy = { initialDelay: 1000, maxDelay: 32_000 };
  const ceilings = [1, 2, 3, 4, 5, 6, 7, 60].map((n) => fullJitter(policy, n, () => 0.999999));
  assert.deepEqual(ceilings, [999, 1999, 3999, 7999, 15999, 31999, 31999, 31999]);
  assert.deepEqual([1, 5, 60].map((n) => fullJitter(policy, n, () => 0)), [0, 0, 0]);
  assert.equal(fullJitter(policy, 3, () => 0.5), 2000);
});
