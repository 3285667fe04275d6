import type { z } from 'zod';
// The events alone: the whole contract would build every request schema too (~45 ms at start).
import { events, type EventName, type Events } from '../../../shared/contract/events';

export type EventPayload<K extends EventName> = z.output<Events[K]>;
export type HubListener = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

/**
 * The in-process event bus. Services emit typed events; transports (IPC, WebSocket, CLI)
 * subscribe once and forward. Payloads are checked against the contract so a bad event is
 * caught where it is made, not in the renderer.
 */
export class EventHub {
  private readonly listeners = new Set<HubListener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const schema = events[name] as z.ZodType;
    const checked = schema.parse(payload) as EventPayload<K>;
    for (const listener of this.listeners) {
      try {
        listener(name, checked);
      } catch {
        // A failing transport must not stop the others.
      }
    }
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
