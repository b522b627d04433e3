import * as vscode from 'vscode';
import type { Services } from '../services';

/** Shortens `org/Some-Model-70B-v2.3-FP8-Dynamic` for the status bar; the tooltip has the full id. */
export function shortModelName(model: string): string {
  const last = model.split('/').pop() ?? model;
  return last.replace(/-(FP8|AWQ|GPTQ|GGUF|Dynamic|Instruct)\b.*$/i, '') || last;
}

/** What the active model did when asked for token probabilities (probabilitySupport.ts). */
export interface ProbabilityVerdicts {
  describe(target: ReturnType<Services['targets']['active']>): string | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/** The active provider and model; clicking opens Select Model. */
export function registerModelStatusItem(context: vscode.ExtensionContext, services: Pick<Services, 'targets' | 'keys'>, probabilities?: ProbabilityVerdicts): void {
  const item = vscode.window.createStatusBarItem('inkwell.model', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Inkwell Model';
  item.command = 'inkwell.selectModel';
  const update = async () => {
    const target = services.targets.active();
    const { profile, model } = target;
    const given = model ? probabilities?.describe(target) : undefined;
    const key = (await services.keys.lookup(profile)).status;
    const needsKey = key === 'none' || key === 'lost';
    item.text = `$(feather) ${profile.label} · ${model ? shortModelName(model) : 'no model'}${needsKey ? ' $(key)' : ''}`;
    const tooltip = new vscode.MarkdownString(
      `**Inkwell** — ${profile.label}\n\nModel: \`${model || 'none selected'}\`\n\n${profile.baseUrl}\n\n` +
        (needsKey ? '$(warning) No API key: run **Inkwell: Set API Key**\n\n' : '') +
        (given ? `Token probabilities: ${given}\n\n` : '') +
        'Click to choose a model.',
      true,
    );
    item.tooltip = tooltip;
    item.backgroundColor = needsKey ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  void update();
  context.subscriptions.push(item, services.targets.onDidChange(() => void update()));
  if (probabilities) context.subscriptions.push(probabilities.onDidChange(() => void update()));
}
