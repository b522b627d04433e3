// Keeps the conversation at its end while the writer is there: new text, a grown composer or a
// message taking its real height keep the end in view; scrolling up lets go until they come back.
export interface StickyScroll {
  /** True while the view is at the end of the conversation (or should go there). */
  readonly atEnd: boolean;
  /** From now on the view follows the end, wherever the writer had scrolled. */
  follow(): void;
  scrollToEnd(): void;
}

/** `viewport` scrolls; `content` is what grows inside it. */
export function createStickyScroll(viewport: HTMLElement, content: HTMLElement): StickyScroll {
  let atEnd = true;
  // The scroll event our own scrollTop write causes says nothing about where the writer wants to be.
  let programmatic = false;
  viewport.addEventListener('scroll', () => {
    if (programmatic) {
      programmatic = false;
      return;
    }
    atEnd = viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight < 40;
  });

  const scrollToEnd = (): void => {
    const target = viewport.scrollHeight - viewport.clientHeight;
    if (Math.abs(viewport.scrollTop - target) < 1) return;
    programmatic = true;
    viewport.scrollTop = target;
  };

  // Messages off screen are not laid out (content-visibility) and take their real height only when
  // shown, and the composer grows with an attached passage: whenever the list or the space for it
  // changes size, a view at the end stays at the end.
  const keepAtEnd = new ResizeObserver(() => {
    if (atEnd) scrollToEnd();
  });
  keepAtEnd.observe(content);
  keepAtEnd.observe(viewport);

  return {
    get atEnd() {
      return atEnd;
    },
    follow() {
      atEnd = true;
    },
    scrollToEnd,
  };
}
