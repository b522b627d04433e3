import * as assert from 'assert';
import * as vscode from 'vscode';

describe('Inkwell in a real VS Code', () => {
  it('is installed and activates', async () => {
    const kind = vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop';
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}, ${kind}, Node ${process.version})`);
    const extension = vscode.extensions.getExtension('inkwell.inkwell');
    assert.ok(extension, 'inkwell.inkwell is not among the loaded extensions');
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });
});
