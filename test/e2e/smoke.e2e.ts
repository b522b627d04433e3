import * as assert from 'assert';
import { useWorkbench } from './harness';

describe('workbench smoke', function () {
  const wb = useWorkbench();

  it('loads Inkwell as a development extension', async () => {
    await wb.runCommand('Developer: Show Running Extensions');
    await wb.page
      .locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Inkwell' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('opens a manuscript chapter', async () => {
    await wb.openFile('chapter-01.md');
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'Lamplighter' }).first().waitFor();
    await wb.statusBarItem('Markdown').first().waitFor();
    const file = await wb.screenshot('smoke-chapter-open');
    assert.ok(file.endsWith('smoke-chapter-open.png'));
  });
});
