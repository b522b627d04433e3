import * as assert from 'assert';
import { waitFor } from '../waitFor';
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
    // The last row drawn, by its index in the list: a scroll has taken effect once it changes.
    const lastDrawn = () =>
      list.evaluate((el) => Math.max(-1, ...Array.from(el.querySelectorAll('.monaco-list-row'), (r) => Number(r.getAttribute('data-index')))));
    const rows = Number(await list.locator('.monaco-list-row').first().getAttribute('aria-setsize')) || Infinity;
    for (let i = 0; i < 20 && !(await row.isVisible()); i++) {
      const before = await lastDrawn();
      if (before >= rows - 1) break; // the end of the list is drawn: scrolling shows nothing more
      await list.hover();
      await wb.page.mouse.wheel(0, 300);
      await waitFor('the list to scroll', async () => (await row.isVisible()) || (await lastDrawn()) !== before, 15_000);
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
