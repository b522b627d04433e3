// Lint for the whole repository. Besides typescript-eslint's recommended rules, it makes the layering a
// rule rather than a habit:
//   src/core     pure TypeScript: no `vscode`, nothing from the glue around it;
//   src/webview  browser code: no Node built-ins, no `vscode`, nothing from the glue (it may use
//                src/core, whose protocol it shares);
//   src          never imports test/ or bench/.
// `import-x/no-restricted-paths` resolves every relative import to a file before judging it, so
// `../../x` is caught at any depth. test/unit/lintLayers.test.ts runs this config on misplaced imports.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.css'] })],
    },
    rules: {
      // `import data = require('./x.json')` is how tsc (module: node16) types a JSON import.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './src/core',
              from: './src',
              except: ['./core'],
              message: 'src/core is pure: it may not import the VS Code glue or the webview.',
            },
            {
              target: './src/webview',
              from: './src',
              except: ['./webview', './core'],
              message: 'src/webview is browser code: it may import src/core, never the extension glue.',
            },
            { target: './src', from: './test', message: 'shipped code may not import tests.' },
            { target: './src', from: './bench', message: 'shipped code may not import benchmarks.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is pure: no vscode.' }] }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/webview runs in the browser: no vscode.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'src/webview runs in the browser: no Node built-ins.' })),
          ],
        },
      ],
    },
  },
  {
    // Plain CommonJS scripts run by node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
