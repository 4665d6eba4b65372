/**
 * Numbers in a training log, as the metrics plot needs them: `loss=0.12`, `acc: 0.9`,
 * `'val/mAP': 41.2` (a Python dict printed), `lr 3e-4` is not (a bare space is too loose). The
 * step is the line's own `step=`/`iter=`/`global_step:` when it has one, else the count of values
 * of that metric so far. A person's own pattern (a regex with `name` and `value` groups, and
 * optionally `step`) replaces the default.
 */
export interface MetricSeries {
  readonly steps: number[];
  readonly values: number[];
}

const STEP_KEYS = new Set(['step', 'steps', 'iter', 'iteration', 'it', 'global_step', 'batch']);
const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const DEFAULT_PAIR = new RegExp(String.raw`(?:^|[\s,;{(\[|])['"]?([A-Za-z_][\w./-]*)['"]?\s*[:=]\s*(${NUMBER})(?![\w.])`, 'g');

export class LogMetrics {
  private readonly series = new Map<string, MetricSeries>();
  private rest = '';
  private readonly pattern: RegExp | null;

  constructor(pattern?: string) {
    this.pattern = pattern ? new RegExp(pattern, 'g') : null;
  }

  /** Reads more of the log (any cut: a partial last line waits for the next chunk). */
  push(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** The log ended: its last line, even without a newline. */
  end(): void {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
  }

  get(): ReadonlyMap<string, MetricSeries> {
    return this.series;
  }

  private line(line: string): void {
    const pairs: Array<{ name: string; value: number; step?: number }> = [];
    if (this.pattern) {
      for (const match of line.matchAll(this.pattern)) {
        const { name, value, step } = match.groups ?? {};
        if (name !== undefined && value !== undefined && Number.isFinite(Number(value))) pairs.push({ name, value: Number(value), ...(step !== undefined && { step: Number(step) }) });
      }
    } else {
      for (const match of line.matchAll(DEFAULT_PAIR)) pairs.push({ name: match[1] as string, value: Number(match[2]) });
    }
    const stepPair = pairs.find((pair) => STEP_KEYS.has(pair.name.toLowerCase()));
    for (const pair of pairs) {
      if (STEP_KEYS.has(pair.name.toLowerCase()) || !Number.isFinite(pair.value)) continue;
      let series = this.series.get(pair.name);
      if (!series) this.series.set(pair.name, (series = { steps: [], values: [] }));
      series.steps.push(pair.step ?? stepPair?.value ?? series.steps.length + 1);
      series.values.push(pair.value);
    }
  }
}

/** At most `points` points per series (every n-th kept, the last always), so a plot of a long run stays light. */
export function thin(series: MetricSeries, points: number): MetricSeries {
  if (series.steps.length <= points) return series;
  const every = Math.ceil(series.steps.length / points);
  const steps: number[] = [];
  const values: number[] = [];
  for (let at = 0; at < series.steps.length; at += every) {
    steps.push(series.steps[at] as number);
    values.push(series.values[at] as number);
  }
  const last = series.steps.length - 1;
  if (steps[steps.length - 1] !== series.steps[last]) {
    steps.push(series.steps[last] as number);
    values.push(series.values[last] as number);
  }
  return { steps, values };
}
