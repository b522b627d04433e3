import type { KeyValueStore } from '../../src/core/chat/historyKeys';

export interface RecordedUpdate {
  key: string;
  /** Characters of JSON the host serialises for this update (0 for a delete). */
  bytes: number;
}

/**
 * Workspace storage as VS Code keeps it: each value stored as JSON and parsed again on every read,
 * so nothing the code still holds can change what is stored; every update is recorded.
 */
export class FakeMemento implements KeyValueStore {
  private readonly values = new Map<string, string>();
  readonly updates: RecordedUpdate[] = [];

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, JSON.stringify(value));
  }

  get(key: string): unknown {
    const json = this.values.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      this.values.delete(key);
      this.updates.push({ key, bytes: 0 });
    } else {
      const json = JSON.stringify(value);
      this.values.set(key, json);
      this.updates.push({ key, bytes: json.length });
    }
    return Promise.resolve();
  }

  keys(): readonly string[] {
    return [...this.values.keys()];
  }

  /** Keys written (or deleted) since the last call. */
  takeUpdates(): RecordedUpdate[] {
    return this.updates.splice(0);
  }
}
