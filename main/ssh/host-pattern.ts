/**
 * OpenSSH's host patterns (match.c), shared by known_hosts and ssh_config: `*` matches any run of
 * characters (also none), `?` exactly one, everything else itself; there are no character classes
 * and no escapes. A pattern must match the whole name.
 *
 * Written here rather than taken from the `ssh-config` package, whose glob turns `?` into the regex
 * `.?` (zero or one character) and so matches names OpenSSH would not.
 */

/** Whether `pattern` matches all of `text`. Iterative (no regex), so long `*` runs stay linear-ish. */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  // Where to resume after the last `*`: the pattern position after it and the text position it
  // has consumed up to. On a mismatch the star swallows one more character and we retry.
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = ++p;
      starT = t;
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export type PatternListResult = 'match' | 'negated' | 'none';

/**
 * OpenSSH's match_pattern_list: `list` is comma-separated patterns, each optionally negated with
 * `!`. A matching negated pattern wins over any positive one ("negated"): a known_hosts line
 * `*.lab,!gpu9.lab` does not vouch for gpu9.lab. With `ignoreCase` both sides are lowercased, as
 * OpenSSH does for host names (DNS names are case-insensitive).
 */
export function matchPatternList(text: string, list: string, ignoreCase: boolean): PatternListResult {
  const subject = ignoreCase ? text.toLowerCase() : text;
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = ignoreCase ? (negated ? raw.slice(1) : raw).toLowerCase() : negated ? raw.slice(1) : raw;
    if (!matchPattern(subject, pattern)) continue;
    if (negated) return 'negated';
    matched = true;
  }
  return matched ? 'match' : 'none';
}
