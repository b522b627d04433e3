import * as assert from 'assert';
import { useWorkbench } from './harness';

describe('workbench smoke', function () {
  const wb = useWorkbench();

  it('loads Inkwell as a development extension', async () => {
    await wb.runCommand('Developer: Show Running Extensions');
    // The list is sorted by activation time and virtualized: on a loaded machine the built-ins
    // take longer to activate and Inkwell's row sits below the fold. Scroll until it is drawn.
    const list = wb.page.locator('.runtime-extensions-editor .monaco-list');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Inkwell' }).first();
    for (let i = 0; i < 20 && !(await row.isVisible()); i++) {
      await list.hover();
      await wb.page.mouse.wheel(0, 300);
      await wb.page.waitForTimeout(200);
    }
    await row.waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('opens a manuscript chapter', async () => {
    await wb.openFile('chapter-01.md');
    await wb.page.locator('.monaco-editor .view-lines', { hasText: 'Lamplighter' }).first().waitFor();
    await wb.statusBarItem('Markdown').first().waitFor();
    const file = await wb.screenshot('smoke-chapter-open');
    assert.ok(file.endsWith('smoke-chapter-open.png'));
  });
});
