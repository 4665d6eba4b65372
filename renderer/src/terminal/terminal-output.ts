/**
 * Where each terminal's output goes: main sends `terminal.data` for every terminal, and the pane
 * that draws it registers here. Output that arrives before its pane mounts (the first prompt,
 * a replayed scrollback) is held until it does, up to a limit.
 */
type Sink = (data: string) => void;

const HELD_CHARS = 4 * 1024 * 1024;
const sinks = new Map<string, Sink>();
const held = new Map<string, string[]>();

export function terminalOutput(id: string, data: string): void {
  const sink = sinks.get(id);
  if (sink) return sink(data);
  const queue = held.get(id) ?? [];
  queue.push(data);
  let total = queue.reduce((sum, chunk) => sum + chunk.length, 0);
  while (total > HELD_CHARS && queue.length > 1) total -= (queue.shift() as string).length;
  held.set(id, queue);
}

/** The pane draws this terminal from now on; what was held is given to it first. Returns the unregister. */
export function drawTerminal(id: string, sink: Sink): () => void {
  sinks.set(id, sink);
  for (const data of held.get(id) ?? []) sink(data);
  held.delete(id);
  return () => {
    if (sinks.get(id) === sink) sinks.delete(id);
  };
}

export function forgetTerminal(id: string): void {
  sinks.delete(id);
  held.delete(id);
}
