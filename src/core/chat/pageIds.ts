// Element ids the chat page's HTML (renderChatHtml) and its script (src/webview) both use.

/** The conversation and config, embedded as inert JSON. */
export const INITIAL_STATE_ID = 'inkwell-initial-state';
/** The markdown bundle's <script> element. */
export const MARKDOWN_SCRIPT_ID = 'inkwell-markdown';
