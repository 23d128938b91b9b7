/**
 * Tenant data for the console: the directory (operators: every tenant, audited; members: their
 * own), one tenant's detail (through the tenant routes when the user is a member, else through
 * the operator detail with an access reason: the caller's TenantView decides), and the
 * mutations, which refresh through the same keys.
 */
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { OperationInput, OperationOutput } from '@shared/contract'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { call } from '@renderer/lib/bridge'
import { useOperatorCall, type OperatorCall } from '@renderer/lib/operator-call'

/** How long a new key lives, in days, or null for never. */
export type ApiKeyLifetime = NonNullable<OperationInput<'createApiKey'>['expiresInDays']> | null

export const tenantKeys = {
  all: ['tenants'] as const,
  directories: () => [...tenantKeys.all, 'directory'] as const,
  directory: (operator: boolean, q: string) => [...tenantKeys.directories(), operator, q] as const,
  /** Every detail of one tenant, however it was read: what its mutations invalidate. */
  detailsOf: (tenantId: string) => [...tenantKeys.all, 'detail', tenantId] as const,
  detail: (tenantId: string, via: 'member' | 'operator') => [...tenantKeys.detailsOf(tenantId), via] as const,
  /** A tenant's pending invitations: under its details, so every change to the tenant reads them again. */
  invitations: (tenantId: string) => [...tenantKeys.detailsOf(tenantId), 'invitations'] as const,
  /** The signed-in person's own tenants (the tenant routes' list). */
  mine: () => [...tenantKeys.all, 'mine'] as const,
}

export interface TenantRow {
  id: string
  name: string
  slug: string
  memberCount: number | null
  monthTokens: number | null
  monthlyTokenCeiling: number | null
  state: 'ok' | 'velocity_capped' | 'ceiling_reached' | null
  role: string | null
  /** When the platform's operators suspended it; null while it is live. */
  suspendedAt: string | null
}

/** The directory: every tenant through the operator route when `operatorCall` is given, else the caller's own. */
export function directoryQuery(q: string, operatorCall: OperatorCall | null) {
  return infiniteQueryOptions({
    queryKey: tenantKeys.directory(operatorCall !== null, q),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<{ items: TenantRow[]; nextCursor: string | null }> => {
      if (!operatorCall) {
        const mine = await call('listTenants', {})
        const filtered = mine.items.filter((tenant) => !q || `${tenant.name} ${tenant.slug}`.toLowerCase().includes(q.toLowerCase()))
        return {
          items: filtered.map((tenant) => ({ ...tenant, memberCount: null, monthTokens: null, monthlyTokenCeiling: null, state: null })),
          nextCursor: null,
        }
      }
      const page = await operatorCall(
        'adminListTenants',
        { limit: 200, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
        { scope: crossTenantScope, what: 'the tenant directory' },
      )
      // The operator directory also answers deleted tenants (with `deletedAt`); they are gone from the console's lists.
      const live = page.items.filter((tenant) => tenant.deletedAt === null)
      return { items: live.map((tenant) => ({ ...tenant, role: null })), nextCursor: page.nextCursor }
    },
    getNextPageParam: (last) => last.nextCursor,
  })
}

/** One tenant as the tenant page shows it, whichever way it was read. */
export interface TenantDetail {
  tenant: { id: string; name: string; slug: string; createdAt: string; suspendedAt: string | null }
  members: OperationOutput<'listMembers'>['items']
  apiKeys: OperationOutput<'listApiKeys'>['items'] | null
  integrations: OperationOutput<'listIntegrations'>['items'] | null
  quotas: OperationOutput<'getQuotas'>
}

/** The signed-in person's own tenants, with their role and whether each is suspended (a suspended one refuses every other read). */
export function memberTenantsQuery() {
  return queryOptions({
    queryKey: tenantKeys.mine(),
    queryFn: async () => (await call('listTenants', {})).items,
  })
}

export function memberDetailQuery(tenantId: string) {
  return queryOptions({
    queryKey: tenantKeys.detail(tenantId, 'member'),
    queryFn: async (): Promise<TenantDetail> => {
      const [tenant, members, quotas] = await Promise.all([
        call('getTenant', { tenantId }),
        call('listMembers', { tenantId }),
        call('getQuotas', { tenantId }),
      ])
      const [apiKeys, integrations] = await Promise.all([
        call('listApiKeys', { tenantId })
          .then((answer) => answer.items)
          .catch(() => null),
        call('listIntegrations', { tenantId })
          .then((answer) => answer.items)
          .catch(() => null),
      ])
      return { tenant, members: members.items, apiKeys, integrations, quotas }
    },
  })
}

export function operatorDetailQuery(tenantId: string, operatorCall: OperatorCall) {
  return queryOptions({
    queryKey: tenantKeys.detail(tenantId, 'operator'),
    queryFn: async (): Promise<TenantDetail> => {
      const detail = await operatorCall(
        'adminGetTenant',
        { tenantId },
        { scope: tenantId, what: 'this tenant: members, keys, integrations and quotas' },
      )
      return {
        tenant: detail.tenant,
        members: detail.members,
        apiKeys: detail.apiKeys,
        integrations: detail.integrations,
        quotas: detail.quotas,
      }
    },
  })
}

function useTenantMutation<Input, Output = unknown>(tenantId: string, run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient()
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: tenantKeys.detailsOf(tenantId) }) })
}

export const useCreateApiKey = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { name: string; scopes: string[]; expiresInDays: ApiKeyLifetime }) =>
    call('createApiKey', { tenantId, name: input.name, scopes: input.scopes as never, expiresInDays: input.expiresInDays }),
  )
/** A successor with the same name, scopes and expiry; the old key keeps working for `graceHours`. */
export const useRollApiKey = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { keyId: string; graceHours: number }) => call('rollApiKey', { tenantId, ...input }))
export const useRevokeApiKey = (tenantId: string) =>
  useTenantMutation(tenantId, (keyId: string) => call('deleteApiKey', { tenantId, keyId }))
export const useAddMember = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { email: string; role: 'owner' | 'admin' | 'member' | 'viewer' }) =>
    call('addMember', { tenantId, ...input }),
  )
export const useChangeRole = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { userId: string; role: 'owner' | 'admin' | 'member' | 'viewer' }) =>
    call('updateMember', { tenantId, ...input }),
  )
export const useRemoveMember = (tenantId: string) =>
  useTenantMutation(tenantId, (userId: string) => call('removeMember', { tenantId, userId }))
export const useConnectIntegration = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { provider: 'slack' | 'jira' | 'github'; label: string; secret: string }) =>
    call('connectIntegration', { tenantId, ...input }),
  )
export const useDisconnectIntegration = (tenantId: string) =>
  useTenantMutation(tenantId, (integrationId: string) => call('disconnectIntegration', { tenantId, integrationId }))
/** An operator write: the reason is the one typed in the reset form, for this reset only. */
export function useResetQuota(tenantId: string) {
  const operatorCall = useOperatorCall()
  return useTenantMutation(tenantId, (input: { kind: 'velocity' | 'monthly_ceiling'; reason: string }) =>
    operatorCall('adminResetQuota', { tenantId, kind: input.kind }, { reason: input.reason }),
  )
}
