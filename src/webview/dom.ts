import type { ChatIcon } from './icons';

type Child = Node | string | null | undefined | false;

/** A small element builder: h('button', { class: 'x', title: 'y' }, 'text'). Attributes only, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** A decorative codicon (hidden from screen readers); `modifier` such as 'codicon-modifier-spin'. */
export function codicon(icon: ChatIcon, modifier = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${icon} ${modifier}`.trim(), 'aria-hidden': 'true' });
}

/** A toolbar button with a codicon and an accessible name. */
export function iconButton(icon: ChatIcon, label: string, action: string, extraClass = ''): HTMLButtonElement {
  const button = h('button', { type: 'button', class: `icon-button ${extraClass}`.trim(), title: label, 'aria-label': label, 'data-action': action });
  button.append(codicon(icon));
  return button;
}
