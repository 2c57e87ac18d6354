// ESLint flat config: typescript-eslint's type-checked rules for the TypeScript projects, plain
// recommended rules for the build scripts, and the layer boundaries as no-restricted-imports
// (test/core/boundaries.test.ts checks the core's imports once more, including relative paths).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import regexp from 'eslint-plugin-regexp';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

const restrict = (patterns) => ['error', { patterns }];

const VSCODE = {
  group: ['vscode'],
  message: 'Only client/src may use the VS Code API.',
};
const LSP = {
  group: [
    'vscode-languageserver',
    'vscode-languageserver/*',
    'vscode-languageserver-*',
    'vscode-languageclient',
    'vscode-languageclient/*',
    'vscode-jsonrpc',
    'vscode-jsonrpc/*',
  ],
  message: 'LSP libraries belong in server/src/lsp (server) and client/src (client).',
};
const NODE = {
  group: ['node:*', ...nodeBuiltins, ...nodeBuiltins.map((name) => `${name}/*`)],
  message: 'The core is pure: strings in, data out (no Node I/O).',
};
const PRODUCT_CODE = {
  group: ['**/server/src', '**/server/src/**', '**/client/src', '**/client/src/**'],
  message: "The simulator shares no code with pvefw: write it from Proxmox's source instead.",
};
// Each core layer is used through its entry point (its index.ts), never its files.
const LAYER_FILES_IN_CORE = {
  group: ['../*/*'],
  message:
    'Import another layer of the core through its entry point (../layer), not its files: node scripts/fix-layer-imports.mjs rewrites them.',
};
const LAYER_FILES = {
  group: ['**/core/*/*'],
  message:
    'Import a layer of the core through its entry point (core/layer or core), not its files: node scripts/fix-layer-imports.mjs rewrites them.',
};
const SERVER_SIDE_LSP = {
  group: ['vscode-languageserver', 'vscode-languageserver/*'],
  message: 'The client talks to the server through vscode-languageclient.',
};

export default defineConfig(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'server/src/core/facts/generated/**',
      'server/src/cli/generated/**',
      '.e2e/**',
      'test-results/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Every regular expression of the programs may see text from a file or a server: none may
    // backtrack or rescan its way into quadratic (or worse) time on a long line (issue 15). The
    // plugin sees literals and patterns it can resolve in the same file; the hostile-line tests
    // (test/core/hostile-lines.test.ts) run every parser and editor query on 1 MB lines.
    files: ['server/src/**/*.ts', 'client/src/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    files: ['server/src/core/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([VSCODE, LSP, NODE, LAYER_FILES_IN_CORE]) },
  },
  {
    files: ['server/src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([VSCODE, LSP, LAYER_FILES]) },
  },
  {
    // Talks to a cluster over HTTPS for the CLI and the language server alike: neither editor nor LSP.
    files: ['server/src/cluster/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([VSCODE, LSP, LAYER_FILES]) },
  },
  {
    files: ['server/src/lsp/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([VSCODE, LAYER_FILES]) },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([SERVER_SIDE_LSP, LAYER_FILES]) },
  },
  {
    // The API simulator is Proxmox, not pvefw: it shares no code with the product
    // (test/sim/independence.test.ts checks the imports of its fixtures too).
    files: ['test/sim/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([PRODUCT_CODE]) },
  },
  {
    // The editor's decisions (what a dialog says, which button is first) are tested with
    // node:test, where there is no VS Code API.
    files: ['client/src/sync/logic/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        SERVER_SIDE_LSP,
        { ...VSCODE, message: 'client/src/sync/logic is tested without VS Code: no vscode here.' },
        { group: ['vscode-languageclient', 'vscode-languageclient/*'], message: 'No LSP here.' },
        LAYER_FILES,
      ]),
    },
  },
);
