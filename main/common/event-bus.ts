import type { EventName, LabdeskEvents } from '../../preload/api';

export type EventSink = (event: EventName, payload: unknown) => void;

/** Fan-out of main → renderer events to every connected transport (IPC window, WebSocket). */
export class EventBus {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: LabdeskEvents[E]): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch {
        // One broken transport (a closed socket) must not stop the others.
      }
    }
  }
}
