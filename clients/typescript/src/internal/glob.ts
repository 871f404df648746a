// Channel patterns with the server's shell-glob semantics (tether-core's ChannelPattern) over the whole name,
// case-sensitive, character by UTF-16 unit as in Java: `*` any run of characters (dots too), `?` one character,
// `[abc]`, `[a-z]` and `[!x]` sets, where a `]` right after `[` or `[!` belongs to the set. An unclosed `[` is refused.

/** Whether a channel name is a pattern (contains any of `* ? [ ]`). */
export function isPattern(name: string): boolean {
  return /[*?[\]]/.test(name);
}

function unit(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** The RegExp that matches exactly the names the pattern matches. */
export function globToRegExp(pattern: string): RegExp {
  let source = '^';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (pattern[i] === '*') {
      source += '[^]*';
      i++;
    } else if (pattern[i] === '?') {
      source += '[^]';
      i++;
    } else if (pattern[i] === '[') {
      const open = i;
      i++;
      const negated = pattern[i] === '!';
      if (negated) {
        i++;
      }
      let set = '';
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
          set += from === to ? unit(from) : unit(from) + '-' + unit(to); // [z-a] matches nothing, as in fnmatch
        }
        first = false;
      }
      if (i >= pattern.length) {
        throw new Error(`pattern: ${pattern} (expected: the '[' at index ${open} closed by a ']')`);
      }
      i++;
      source += set === '' ? (negated ? '[^]' : '(?!)') : '[' + (negated ? '^' : '') + set + ']';
    } else {
      source += unit(c);
      i++;
    }
  }
  return new RegExp(source + '$');
}
