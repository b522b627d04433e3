// The chat page's second bundle: the markdown renderer with its sanitizer (docs/security.md, item 8).
import { createMarkdownRenderer } from '../core/chat/renderMarkdown';
import { provideMarkdownRenderer } from './markdownSlot';

provideMarkdownRenderer(createMarkdownRenderer(window));
