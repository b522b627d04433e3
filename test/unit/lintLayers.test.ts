// The layering in eslint.config.mjs is a rule only if it fires: lint deliberately misplaced imports, as
// if they stood in real files of each layer, with the repository's own config, and check which rule
// reports them. Type-aware parsing is switched off here: these rules do not need it, and the files do
// not exist on disk.
import * as assert from 'assert';
import * as path from 'path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..', '..');

describe('lint: the layers are enforced', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({
      cwd: root,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: { parserOptions: { projectService: false, project: null } },
        rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
      },
    });
  });

  async function rulesFor(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: path.join(root, file) });
    assert.ok(result, `no lint result for ${file}`);
    const fatal = result.messages.filter((m) => m.fatal);
    assert.deepStrictEqual(fatal, [], `parse failure in ${file}`);
    return result.messages.map((m) => m.ruleId ?? '').filter((id) => id !== '@typescript-eslint/no-unused-vars');
  }

  const cases: { file: string; code: string; rule: string }[] = [
    { file: 'src/core/misplaced.ts', code: "import * as x from 'vscode';", rule: 'no-restricted-imports' },
    { file: 'src/core/stream/misplaced.ts', code: "import * as x from '../../settings';", rule: 'import-x/no-restricted-paths' },
    { file: 'src/core/misplaced.ts', code: "import * as x from '../chat/chatSession';", rule: 'import-x/no-restricted-paths' },
    { file: 'src/core/misplaced.ts', code: "import * as x from '../webview/dom';", rule: 'import-x/no-restricted-paths' },
    { file: 'src/webview/misplaced.ts', code: "import * as x from 'fs';", rule: 'no-restricted-imports' },
    { file: 'src/webview/misplaced.ts', code: "import * as x from 'node:path';", rule: 'no-restricted-imports' },
    { file: 'src/webview/misplaced.ts', code: "import * as x from 'vscode';", rule: 'no-restricted-imports' },
    { file: 'src/webview/misplaced.ts', code: "import * as x from '../settings';", rule: 'import-x/no-restricted-paths' },
    { file: 'src/misplaced.ts', code: "import * as x from '../test/integration/testKit';", rule: 'import-x/no-restricted-paths' },
    { file: 'src/chat/misplaced.ts', code: "import * as x from '../../bench/median';", rule: 'import-x/no-restricted-paths' },
  ];

  for (const { file, code, rule } of cases) {
    it(`${file}: ${code} → ${rule}`, async () => {
      assert.deepStrictEqual(await rulesFor(file, code), [rule]);
    });
  }

  const allowed: { file: string; code: string }[] = [
    { file: 'src/core/misplaced.ts', code: "import * as x from './ids';" },
    { file: 'src/core/stream/misplaced.ts', code: "import * as x from '../errors/redact';" },
    { file: 'src/webview/misplaced.ts', code: "import * as x from '../core/protocol/chatProtocol';" },
    { file: 'src/chat/misplaced.ts', code: "import * as x from 'vscode';" },
    { file: 'src/chat/misplaced.ts', code: "import * as x from '../core/ids';" },
    { file: 'test/unit/misplaced.ts', code: "import * as x from '../../src/settings';" },
  ];

  for (const { file, code } of allowed) {
    it(`${file}: ${code} is allowed`, async () => {
      assert.deepStrictEqual(await rulesFor(file, code), []);
    });
  }
});
