import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const root = dirname(fileURLToPath(import.meta.url))
const shared = { '@shared': resolve(root, 'src/shared') }

export default defineConfig({
  // main and preload leave `dependencies` external (native keytar, argon2, pg stay in node_modules).
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          // The headless `limena` CLI is built from the same tree as the app's main process.
          cli: resolve(root, 'src/server/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    build: { rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve(root, 'src/renderer/src') } },
    plugins: [react()],
  },
})
