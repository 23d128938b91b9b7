/**
 * @module seed-demo-command
 * `limena seed-demo [--tenants N] [--audit-rows N]`: realistic demo data for a try-out install.
 */
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { demoPassword, seedDemo } from '../demo/seed-demo.js'
import { LimenaError } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'

function wholeNumber(value: string | undefined, name: string, fallback: number, maximum: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > maximum)
    throw new LimenaError('input_invalid', `${name} takes a whole number from 1 to ${maximum.toLocaleString('en')}`)
  return parsed
}

export async function seedDemoCommand(
  config: LimenaConfig,
  log: Logger,
  print: (line: string) => void,
  options: { tenants?: string; auditRows?: string },
): Promise<void> {
  const tenants = wholeNumber(options.tenants, '--tenants', 50, 100_000)
  const auditRows = wholeNumber(options.auditRows, '--audit-rows', 100_000, 20_000_000)
  const prepared = await prepareDatabase(config, log)
  try {
    const result = await seedDemo({ adminUrl: prepared.adminUrl, tenants, auditRows, encryptionKeys: prepared.secrets.encryptionKeys })
    print(
      `limena: seeded ${result.tenants} tenants, ${result.users} users, ${result.auditRows.toLocaleString('en')} audit rows, ${result.usageRows.toLocaleString('en')} hourly usage buckets, ${result.trippedTenants} tenants over their ceiling, in ${result.seconds} s`,
    )
    print(`limena: every demo user signs in with the password ${demoPassword}, for example:`)
    for (const person of result.sampleSignIns) print(`limena:   ${person.email} (${person.role} of ${person.tenant})`)
  } finally {
    await prepared.close()
  }
}
