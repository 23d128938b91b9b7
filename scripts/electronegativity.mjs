#!/usr/bin/env node
// Runs @doyensec/electronegativity over the built app (out/) and fails on any high or medium
// finding that security/electronegativity-allowlist.json does not explain. The package's own CLI
// is not used: it relies on an undeclared, older `commander` and breaks beside this project's.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const run = require('@doyensec/electronegativity/dist/runner.js')
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
const allowlist = JSON.parse(readFileSync(join(root, 'security/electronegativity-allowlist.json'), 'utf8')).accepted

const quiet = console.log
console.log = () => undefined
let result
try {
  result = await run(
    {
      input: join(root, 'out'),
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: [],
      severitySet: 'informational',
      confidenceSet: 'tentative',
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  )
} finally {
  console.log = quiet
}

const blocking = []
for (const issue of result.issues) {
  const severity = issue.severity.name
  const accepted = allowlist.find((entry) => entry.id === issue.id && entry.file === issue.file)
  const line = `${severity.padEnd(13)} ${issue.id.padEnd(32)} ${issue.file}:${issue.location.line}${accepted ? '  (accepted: see allowlist)' : ''}`
  console.log(line)
  if ((severity === 'HIGH' || severity === 'MEDIUM') && !accepted) blocking.push(line)
}
if (result.errors.some((error) => !error.tolerable)) {
  for (const error of result.errors) console.log(`parse error: ${error.file}: ${error.message}`)
}
if (blocking.length > 0) {
  console.log(`electronegativity: ${blocking.length} high or medium finding(s) not in security/electronegativity-allowlist.json`)
  process.exit(1)
}
console.log(`electronegativity: ${result.issues.length} finding(s), none high or medium without a reviewed reason`)
