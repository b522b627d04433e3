let counter = 0;

/** An id unique in this process and across reloads (time + counter + randomness); fits the protocol's id rule. */
export function newId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
}
