/**
 * @module verify-audit-command
 * `limena verify-audit [--tenant ID]`: walks the audit hash chains (as limena_readonly), every
 * tenant's and the platform audit log's (only that tenant's with --tenant), and exits 1 at the
 * first broken link of any; a row whose time goes back is printed with both times.
 */
import { verifyAuditChains, verifyPlatformAuditChain, type ChainBreak } from '../audit/verify-audit.js'
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { withOperatorRead } from '../db/with-operator.js'
import { LimenaError } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'

function describeBrokenLink(link: ChainBreak, idName = 'audit id'): string {
  if (link.problem === 'time_went_back')
    return `seq ${link.seq} (${idName} ${link.auditId}): time went back: ${link.at} is before the previous row's ${link.previousAt}`
  if (link.seq === null) return 'its chain head does not match its last row (rows removed from the end?)'
  return `seq ${link.seq} (${idName} ${link.auditId}): ${link.problem.replace('_', ' ')}`
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
    const { result, platform } = await withOperatorRead(prepared.pools, async (client) => ({
      result: await verifyAuditChains(client, options.tenant),
      platform: options.tenant === undefined ? await verifyPlatformAuditChain(client) : null,
    }))
    for (const link of result.broken) print(`broken  tenant ${link.tenantId}  ${describeBrokenLink(link)}`)
    if (platform?.broken) print(`broken  platform  ${describeBrokenLink(platform.broken, 'platform audit id')}`)
    const brokenChains = result.broken.length + (platform?.broken ? 1 : 0)
    print(
      `limena: ${result.rowsChecked} audit rows in ${result.tenantsChecked} tenant(s)${platform ? ` and ${platform.rowsChecked} platform audit rows` : ''} checked; ${brokenChains === 0 ? 'every chain verifies' : `${brokenChains} broken chain(s)`}`,
    )
    return brokenChains === 0
  } finally {
    await prepared.close()
  }
}
