/**
 * Every command Inkwell contributes. The command table (src/commands.ts) is typed by this list, so
 * it can neither miss one nor add one; a unit test holds package.json to the same list.
 */
export const COMMAND_IDS = [
  'inkwell.continueWriting',
  'inkwell.stop',
  'inkwell.setApiKey',
  'inkwell.clearApiKey',
  'inkwell.selectProvider',
  'inkwell.selectModel',
  'inkwell.showLog',
  'inkwell.sendSelectionToChat',
  'inkwell.newChat',
  'inkwell.chatHistory',
  'inkwell.showTokenDetails',
  'inkwell.showContext',
  'inkwell.newLoreEntry',
  'inkwell.importLorebook',
  'inkwell.exportLorebook',
  'inkwell.getStarted',
  'inkwell.openSamplePassage',
  'inkwell.nextAlternative',
  'inkwell.previousAlternative',
  'inkwell.retryAlternative',
  'inkwell.keepAlternative',
  'inkwell.discardAlternatives',
  'inkwell.toggleProbabilities',
  'inkwell.toggleProbabilityTint',
  'inkwell.rerollFromHere',
  'inkwell.rerollWithToken',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
