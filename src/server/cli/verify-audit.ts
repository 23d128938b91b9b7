/**
 * @module verify-audit-command
 * `limena verify-audit [--tenant ID]`: walks the audit hash chains (as limena_readonly) and exits
 * 1 at the first broken link of any tenant; a row whose time goes back is printed with both times.
 */
import { verifyAuditChains, type BrokenLink } from '../audit/verify-audit.js'
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { withOperatorRead } from '../db/with-operator.js'
import { LimenaError } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'

function describeBrokenLink(link: BrokenLink): string {
  if (link.problem === 'time_went_back')
    return `seq ${link.seq} (audit id ${link.auditId}): time went back: ${link.at} is before the previous row's ${link.previousAt}`
  if (link.seq === null) return 'its chain head does not match its last row (rows removed from the end?)'
  return `seq ${link.seq} (audit id ${link.auditId}): ${link.problem.replace('_', ' ')}`
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function verifyAuditCommand(
  config: LimenaConfig,
  log: Logger,
  print: (line: string) => void,
  options: { tenant?: string },
): Promise<boolean> {
  if (options.tenant !== undefined && !uuidPattern.test(options.tenant))
    throw new LimenaError('input_invalid', `not a tenant id: ${options.tenant}`)
  const prepared = await prepareDatabase(config, log)
  try {
    const result = await withOperatorRead(prepared.pools, (client) => verifyAuditChains(client, options.tenant))
    for (const link of result.broken) print(`broken  tenant ${link.tenantId}  ${describeBrokenLink(link)}`)
    print(
      `limena: ${result.rowsChecked} audit rows in ${result.tenantsChecked} tenant(s) checked; ${result.broken.length === 0 ? 'every chain verifies' : `${result.broken.length} broken chain(s)`}`,
    )
    return result.broken.length === 0
  } finally {
    await prepared.close()
  }
}
