// A status line that clears itself after a moment: the extension's notices and the page's own failures.
import { h } from './dom';

export interface Notice {
  readonly element: HTMLElement;
  show(text: string): void;
}

export function createNotice(): Notice {
  const element = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  let timer: number | undefined;
  return {
    element,
    show(text) {
      element.textContent = text;
      element.classList.add('visible');
      if (timer) clearTimeout(timer);
      timer = window.setTimeout(() => element.classList.remove('visible'), 2500);
    },
  };
}
