import type { ProviderError } from './providerError';

/**
 * The one table of an error's next steps: what the button says and the command it runs. Every
 * surface reads it: notifications (src/errorMessages.ts), the chat session and the chat page.
 * `retry` has no command: each surface retries what failed there.
 */
export const ERROR_ACTION_TABLE = {
  retry: { label: 'Retry', command: undefined },
  setApiKey: { label: 'Set API Key', command: 'inkwell.setApiKey' },
  selectModel: { label: 'Select Model', command: 'inkwell.selectModel' },
  showLog: { label: 'Show Log', command: 'inkwell.showLog' },
} as const satisfies Record<string, { label: string; command: string | undefined }>;

export type ErrorAction = keyof typeof ERROR_ACTION_TABLE;
export const ERROR_ACTIONS = Object.keys(ERROR_ACTION_TABLE) as readonly ErrorAction[];

/** The next steps that fix `error` (retrying is each surface's own offer). */
export function actionsFor(error: Pick<ProviderError, 'kind' | 'modelMissing'>): Exclude<ErrorAction, 'retry'>[] {
  switch (error.kind) {
    case 'auth':
    case 'no-key':
    case 'forbidden':
      return ['setApiKey'];
    case 'no-model':
      return ['selectModel'];
    case 'not-found':
      return error.modelMissing ? ['selectModel'] : ['showLog'];
    default:
      return ['showLog'];
  }
}
