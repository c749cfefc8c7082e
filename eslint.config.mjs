// Lint rules that protect workflow determinism and async correctness.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'eslint.config.mjs', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, and only type
    // imports of anything that talks to the outside world.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not import Node built-ins.' })),
          patterns: [
            {
              group: ['../activities', '../activities/*', '../clients/*', '../clients/**', '../entities/*', '../db/*', '../api/*', '../runtime/*', '../emulators/*', '../wiring/*', '../slack/*', '../secrets/*'],
              allowTypeImports: true,
              message: 'Workflows may only import types from the floors above them (activities, clients, entities, db, api, runtime, wiring, slack, secrets).',
            },
            {
              // Anything but @temporalio/workflow, @temporalio/common and relative paths: only as types.
              regex: '^(?!@temporalio/(workflow|common)(/|$)|\\.{1,2}/)',
              allowTypeImports: true,
              message: 'Workflows import only @temporalio/workflow (and @temporalio/common), local modules and types.',
            },
          ],
        },
      ],
    },
  },
  {
    // The ground floor: the product's vocabulary imports nothing, not even an npm package, so
    // every other floor (the workflow sandbox included) can use it.
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'domain/ imports only other domain/ modules.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Plain CommonJS that node preloads as is (bench/lib/cpu-profile-preload.cjs, bench/lib/thread-heap-probe.cjs): no TypeScript project to type-check it with.
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', parserOptions: { projectService: false }, globals: { require: 'readonly', process: 'readonly', console: 'readonly', setInterval: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
