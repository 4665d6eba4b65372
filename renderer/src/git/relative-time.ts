const UNITS: readonly [number, string][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [7, 'day'],
  [4.35, 'week'],
  [12, 'month'],
  [Number.POSITIVE_INFINITY, 'year'],
];

/** "3 hours ago", "2 years ago": how long before `now` a commit was made (times in seconds). */
export function relativeTime(seconds: number, now = Date.now() / 1000): string {
  let amount = Math.max(0, now - seconds);
  for (const [size, unit] of UNITS) {
    if (amount < size) {
      const whole = Math.floor(amount);
      if (unit === 'second') return 'just now';
      return `${whole} ${unit}${whole === 1 ? '' : 's'} ago`;
    }
    amount /= size;
  }
  return '';
}

/** A date and time in the person's locale, for tooltips and commit details. */
export function fullDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}
