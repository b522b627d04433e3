// The page's buttons say what they do in data-action. Each part of the page names the actions it
// answers; main.ts hands them all to one click listener on the document, as before the split.
export type ActionHandler = (target: HTMLElement, messageId: string | undefined) => void;
export type ActionHandlers = Record<string, ActionHandler>;

export function handleClickActions(doc: Document, ...parts: ActionHandlers[]): void {
  // A Map, not the objects themselves: an action name read from the page (replies are on it too)
  // must never find something on Object.prototype.
  const handlers = new Map<string, ActionHandler>();
  for (const part of parts) for (const [action, handler] of Object.entries(part)) handlers.set(action, handler);
  doc.addEventListener('click', (e) => {
    const target = (e.target as Element | null)?.closest<HTMLElement>('[data-action]');
    if (!target) return;
    const handler = handlers.get(target.dataset.action ?? '');
    handler?.(target, target.closest<HTMLElement>('.msg')?.dataset.id);
  });
}
