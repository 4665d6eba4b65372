/**
 * POSIX shell quoting. This is the only way product code puts user data (paths, names,
 * patterns) into a command line for the server: ssh runs every exec command through the user's
 * login shell, so an unquoted `$(…)`, backtick, `;` or newline in a file name would run.
 *
 * Single quotes are used because nothing inside them is special to a POSIX shell (bash, dash,
 * ksh, zsh); the one character they cannot hold, `'`, is closed, escaped and reopened: `'\''`.
 */

/** Words made only of these are left bare, which keeps logged commands readable. */
const SAFE_WORD = /^[A-Za-z0-9_./:@,+-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError(`A command argument cannot contain a NUL byte: ${JSON.stringify(arg)}`);
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** One command line from an argv, every word quoted: `shellCommand(['ls', '-l', path])`. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new RangeError('shellCommand needs at least the command name.');
  return argv.map(shellQuote).join(' ');
}
