/**
 * The OpenAPI document the server serves passes Redocly's linter with the repository's
 * redocly.yaml (`recommended-strict` and more): no error, no warning. Run from the test suite
 * rather than as a separate step, so `npm test` and CI both lint the document generated from the
 * contract as it is now, with no build and no file to keep in step.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const redocly = join(root, 'node_modules/@redocly/cli/bin/cli.js')

const database = useTestDatabase()
const server = useTestServer(database)

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number }
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }>
}

describe('the served OpenAPI document', () => {
  it('passes redocly lint with no error and no warning', async () => {
    const served = await new ApiClient(server().url).request('GET', '/openapi.json')
    expect(served.status).toBe(200)
    const directory = await mkdtemp(join(tmpdir(), 'limena-openapi-'))
    try {
      const file = join(directory, 'openapi.json')
      await writeFile(file, served.text)
      const run = await promisify(execFile)(
        process.execPath,
        [redocly, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json', '--max-problems', '1000'],
        {
          cwd: root,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      ).catch((failure: { stdout?: string; stderr?: string }) => failure)
      let report: LintReport
      try {
        report = JSON.parse(run.stdout ?? '') as LintReport
      } catch {
        throw new Error(`redocly lint gave no report: ${run.stderr ?? ''}`)
      }
      const findings = report.problems.map(
        (problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`,
      )
      expect(findings).toEqual([])
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
