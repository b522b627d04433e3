import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { keepCodicons } from '../../src/core/chat/codiconSubset';
import { CHAT_ICONS } from '../../src/webview/icons';

const root = path.resolve(__dirname, '../../..');
const fullSheet = fs.readFileSync(path.join(root, 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), 'utf8');
const glyphRules = (css: string) => [...css.matchAll(/^\.codicon-([a-z0-9-]+):before\s*\{/gm)].map((m) => m[1]);

describe('codicon stylesheet cut to the chat page icons', () => {
  it('keeps the font face, the base rule, the modifiers and exactly the named glyphs', () => {
    const cut = keepCodicons(fullSheet, CHAT_ICONS);
    assert.deepStrictEqual(glyphRules(cut).sort(), [...CHAT_ICONS].sort());
    for (const kept of ['@font-face', "url(\"./codicon.ttf", ".codicon[class*='codicon-']", '@keyframes codicon-spin', '.codicon-loading.codicon-modifier-spin']) {
      assert.ok(cut.includes(kept), `lost ${kept}`);
    }
    assert.ok(glyphRules(fullSheet).length > 500, 'the full sheet has its glyph rules');
    assert.ok(cut.length < fullSheet.length / 5, `${cut.length} bytes of ${fullSheet.length}`);
    // Each kept rule is the full sheet's own text.
    for (const name of CHAT_ICONS) {
      const rule = new RegExp(`^\\.codicon-${name}:before \\{[^}]*\\}$`, 'm').exec(cut)?.[0];
      assert.ok(rule && fullSheet.includes(rule), name);
    }
  });

  it('names only icons that codicons has', () => {
    const available = new Set(glyphRules(fullSheet));
    for (const name of CHAT_ICONS) assert.ok(available.has(name), `codicons has no ${name}`);
  });

  it('is the only way the page names an icon: no codicon class written by hand', () => {
    const dir = path.join(root, 'src', 'webview');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const handWritten = [...text.matchAll(/codicon-(?!modifier-)[a-z]/g)];
      assert.deepStrictEqual(handWritten.map((m) => m[0]), [], `${file} writes a codicon class itself; use codicon() from dom.ts`);
    }
  });

  it('leaves a sheet with CRLF line ends and unknown rules intact apart from the glyphs', () => {
    const sheet = '.a { color: red }\r\n.codicon-send:before { content: "\\ec0f" }\r\n.codicon-add:before { content: "\\ea60" }\r\n.b {}\r\n';
    assert.strictEqual(keepCodicons(sheet, ['send']), '.a { color: red }\r\n.codicon-send:before { content: "\\ec0f" }\r\n.b {}\r\n');
  });
});
