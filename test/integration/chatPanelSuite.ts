// What the chat panel's integration files share: the test hook into the real panel, the messages the
// tests post the way the webview would, and the hooks every panel suite needs. The panel is the real
// webview in a real extension host; the tests post protocol messages through the same validation
// path the webview's messages take, and watch what the session posts back and what the provider
// test server receives.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExtensionToWebview, MessageView } from '../../src/core/protocol/chatProtocol';
import type { ChatSession } from '../../src/chat/chatSession';
import type { ChatViewProvider } from '../../src/chat/chatViewProvider';
import type { ProviderTestServer } from '../server/providerTestServer';
import { inkwell, resetUserSettings, serverAsInfermatic, setUserSetting, waitFor } from './testKit';

export interface ChatHook {
  session: ChatSession;
  view: ChatViewProvider;
}

export const SCRIPT = [' Ash', 'ford', ',', ' Mere', ',', ' Cold', 'water', '.'];
export const SYSTEM = 'You are a terse naming assistant.';

export async function chat(): Promise<ChatHook> {
  await inkwell();
  const hook = (await vscode.commands.executeCommand('inkwell.chat.testHook')) as ChatHook | undefined;
  assert.ok(hook, 'the chat test hook is registered only in test mode');
  return hook;
}

/**
 * Opens the real panel and waits for its page to say ready (the handshake). A panel already on
 * screen with a ready page says nothing new; a hidden one (an earlier suite closed the sidebar)
 * loads a fresh page, and the tests must not start before that page has said ready.
 */
async function openPanel(hook: ChatHook): Promise<void> {
  const before = hook.session.probe().readyCount;
  const alreadyShown = hook.view.isVisible;
  await vscode.commands.executeCommand('inkwell.chat.focus');
  if (alreadyShown && before > 0) return;
  await waitFor('the chat webview to say ready', () => hook.session.probe().readyCount > before, 20_000);
}

export function record(hook: ChatHook): { posted: ExtensionToWebview[]; dispose(): void } {
  const posted: ExtensionToWebview[] = [];
  const subscription = hook.session.probe().onDidPost((m) => posted.push(m));
  return { posted, dispose: () => subscription.dispose() };
}

export function lastMessages(hook: ChatHook): MessageView[] {
  return hook.session.store.current.messages.map((m) => ({ ...m }) as MessageView);
}

export async function send(hook: ChatHook, text: string, requestId = `r${Date.now().toString(36)}`): Promise<string> {
  hook.view.receive({ type: 'send', requestId, text });
  await waitFor('the generation to start', () => hook.session.isRunning || lastMessages(hook).at(-1)?.status !== 'streaming');
  return requestId;
}

/** The panel and the provider test server a suite's tests use; filled in by the hooks useChatPanel registers. */
export interface ChatPanelSuite {
  hook: ChatHook;
  server: ProviderTestServer;
}

/**
 * Registers, in the calling describe, what every panel suite needs: the real panel opened once, a
 * fresh provider test server (an Infermatic one playing SCRIPT), the system prompt SYSTEM and a new
 * chat before each test, and everything undone after it.
 */
export function useChatPanel(): ChatPanelSuite {
  const suite = {} as ChatPanelSuite;

  before(async () => {
    suite.hook = await chat();
    await openPanel(suite.hook);
  });

  after(async () => {
    // A visible panel lists the models whenever the provider settings change; later suites count requests.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the panel to hide', () => !suite.hook.view.isVisible);
  });

  beforeEach(async () => {
    suite.server = await serverAsInfermatic({ script: SCRIPT });
    await setUserSetting('inkwell.chat.systemPrompt', SYSTEM);
    suite.hook.view.receive({ type: 'newChat' });
  });

  afterEach(async () => {
    await suite.hook.session.idle();
    await suite.server.close();
    await resetUserSettings();
  });

  return suite;
}
