#!/usr/bin/env node
// The `limena` command: runs the CLI that `npm run build` compiles from src/server/cli.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(built)) {
  process.stderr.write('limena: the CLI is not built yet; run `npm run build` in the project first\n')
  process.exit(1)
}
await import(built)
