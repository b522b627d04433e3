// Every codicon the chat page shows. The page's stylesheet carries the glyph rules of these alone
// (src/chat/webviewAssets.ts), so an icon must be named here to appear: dom.ts's codicon() and
// iconButton() take only these names.
export const CHAT_ICONS = [
  'account',
  'chevron-left',
  'chevron-right',
  'close',
  'comment-discussion',
  'copy',
  'debug-stop',
  'edit',
  'error',
  'feedback',
  'graph',
  'insert',
  'loading',
  'quote',
  'refresh',
  'replace',
  'send',
  'settings-gear',
  'stop-circle',
] as const;

export type ChatIcon = (typeof CHAT_ICONS)[number];
