/**
 * @module integration-routes
 * Handlers of the integration operations. The secret is sealed before it reaches SQL, is never
 * logged, audited or returned; the audit row names the provider and label only.
 */
import { randomUUID } from 'node:crypto'
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import { sealSecret } from '../crypto/secret-box.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { deleteIntegration, insertIntegration, integrationToApi, listIntegrations } from './integration-repository.js'

export const integrationSecretPurpose = 'integration-secret'

export const integrationHandlers = {
  async listIntegrations({ tenant }) {
    return { items: (await listIntegrations(tenant.client, tenant.id)).map(integrationToApi) }
  },

  async connectIntegration({ tenant, principal, meta, deps }, input) {
    const masterKey = await deps.keyring.current()
    const ciphertext = sealSecret(input.secret, masterKey, { tenantId: tenant.id, purpose: integrationSecretPurpose })
    const row = await insertIntegration(tenant.client, {
      id: randomUUID(),
      tenantId: tenant.id,
      provider: input.provider,
      label: input.label,
      ciphertext,
      keyVersion: masterKey.version,
      connectedBy: principal.kind === 'user' ? principal.userId : null,
    })
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'integration.connected',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'integration', id: row.id, name: `${row.provider}: ${row.label}` },
      request: meta,
      metadata: { provider: row.provider, keyVersion: row.key_version },
    })
    return integrationToApi(row)
  },

  async disconnectIntegration({ tenant, principal, meta }, input) {
    const row = await deleteIntegration(tenant.client, tenant.id, input.integrationId)
    if (!row) throw problems.notFound()
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'integration.disconnected',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'integration', id: row.id, name: `${row.provider}: ${row.label}` },
      request: meta,
      metadata: { provider: row.provider },
    })
  },
} satisfies DomainHandlers
