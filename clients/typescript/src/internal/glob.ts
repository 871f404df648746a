// Channel patterns with the server's shell-glob semantics (tether-core's ChannelPattern) over the whole name,
// case-sensitive, character by UTF-16 unit as in Java: `*` any run of characters (dots too), `?` one character,
// `[abc]`, `[a-z]` and `[!x]` sets, where a `]` right after `[` or `[!` belongs to the set. An unclosed `[` is refused.
//
// Matched by walking the pattern with one backtrack point (the last `*`), not by a RegExp: the time is at most
// O(name × pattern), where a RegExp of several `*` can backtrack exponentially on a long name the server sends.

type Element =
  | { kind: 'char'; code: number }
  | { kind: 'one' }
  | { kind: 'run' }
  | { kind: 'set'; ranges: number[]; negated: boolean };

/** Whether a channel name is a pattern (contains any of `* ? [ ]`). */
export function isPattern(name: string): boolean {
  return /[*?[\]]/.test(name);
}

/** A compiled pattern: `matches(name)` is true for exactly the names the server's ChannelPattern matches. */
export class Glob {
  private readonly elements: Element[];

  constructor(readonly pattern: string) {
    this.elements = compile(pattern);
  }

  matches(name: string): boolean {
    const elements = this.elements;
    let e = 0;
    let n = 0;
    let starElement = -1; // the element after the last `*` seen
    let starName = 0; // where in the name that `*` resumes
    while (n < name.length) {
      const element = elements[e];
      if (element !== undefined && element.kind === 'run') {
        starElement = ++e;
        starName = n;
      } else if (element !== undefined && matchesOne(element, name.charCodeAt(n))) {
        e++;
        n++;
      } else if (starElement >= 0) {
        e = starElement; // let the last `*` take one more character
        n = ++starName;
      } else {
        return false;
      }
    }
    while (e < elements.length && elements[e]!.kind === 'run') {
      e++;
    }
    return e === elements.length;
  }
}

function matchesOne(element: Element, code: number): boolean {
  switch (element.kind) {
    case 'char':
      return element.code === code;
    case 'one':
      return true;
    case 'set': {
      let found = false;
      for (let i = 0; i < element.ranges.length && !found; i += 2) {
        found = code >= element.ranges[i]! && code <= element.ranges[i + 1]!;
      }
      return found !== element.negated;
    }
    default:
      return false;
  }
}

function compile(pattern: string): Element[] {
  if (pattern === '') {
    throw new Error("pattern: '' (expected: a channel name or glob pattern)");
  }
  const out: Element[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*') {
      if (out[out.length - 1]?.kind !== 'run') {
        out.push({ kind: 'run' }); // a run of stars is one star
      }
      i++;
    } else if (c === '?') {
      out.push({ kind: 'one' });
      i++;
    } else if (c === '[') {
      i = compileSet(pattern, i, out);
    } else {
      out.push({ kind: 'char', code: pattern.charCodeAt(i) });
      i++;
    }
  }
  return out;
}

/** Compiles the set opening at `open` (a `[`) into `out`; returns the index after its `]`. */
function compileSet(pattern: string, open: number, out: Element[]): number {
  let i = open + 1;
  const negated = pattern[i] === '!';
  if (negated) {
    i++;
  }
  const ranges: number[] = [];
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    const from = pattern.charCodeAt(i);
    let to = from;
    if (i + 2 < pattern.length && pattern[i + 1] === '-' && pattern[i + 2] !== ']') {
      to = pattern.charCodeAt(i + 2);
      i += 3;
    } else {
      i++;
    }
    if (from <= to) {
      ranges.push(from, to); // an empty range like [z-a] matches nothing, as in Python's fnmatch
    }
    first = false;
  }
  if (i >= pattern.length) {
    throw new Error(`pattern: ${pattern} (expected: the '[' at index ${open} closed by a ']')`);
  }
  out.push({ kind: 'set', ranges, negated });
  return i + 1;
}
