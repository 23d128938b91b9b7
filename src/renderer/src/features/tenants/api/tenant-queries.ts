/**
 * Tenant data for the console: the directory (operators: every tenant, audited; members: their
 * own), one tenant's detail (through the tenant routes when the user is a member, else through
 * the operator detail with an access reason), and the mutations, which refresh through the same keys.
 */
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { call } from '@renderer/lib/bridge'

export const tenantKeys = {
  all: ['tenants'] as const,
  directory: (operator: boolean, q: string) => ['tenants', 'directory', operator, q] as const,
  detail: (tenantId: string, via: 'member' | 'operator') => ['tenants', 'detail', tenantId, via] as const,
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
}

export function directoryQuery(operator: boolean, q: string, reason: (() => Promise<string>) | null) {
  return infiniteQueryOptions({
    queryKey: tenantKeys.directory(operator, q),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<{ items: TenantRow[]; nextCursor: string | null }> => {
      if (!operator || !reason) {
        const mine = await call('listTenants', {})
        const filtered = mine.items.filter((tenant) => !q || `${tenant.name} ${tenant.slug}`.toLowerCase().includes(q.toLowerCase()))
        return { items: filtered.map((tenant) => ({ ...tenant, memberCount: null, monthTokens: null, monthlyTokenCeiling: null, state: null })), nextCursor: null }
      }
      const page = await call('adminListTenants', { limit: 200, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) }, { accessReason: await reason() })
      return { items: page.items.map((tenant) => ({ ...tenant, role: null })), nextCursor: page.nextCursor }
    },
    getNextPageParam: (last) => last.nextCursor,
  })
}

type Output<Name extends keyof typeof import('@shared/contract').operations> = import('@shared/contract').OperationOutput<Name>

/** One tenant as the tenant page shows it, whichever way it was read. */
export interface TenantDetail {
  tenant: { id: string; name: string; slug: string; createdAt: string }
  members: Output<'listMembers'>['items']
  apiKeys: Output<'listApiKeys'>['items'] | null
  integrations: Output<'listIntegrations'>['items'] | null
  quotas: Output<'getQuotas'>
}

export function memberDetailQuery(tenantId: string) {
  return queryOptions({
    queryKey: tenantKeys.detail(tenantId, 'member'),
    queryFn: async (): Promise<TenantDetail> => {
      const [tenant, members, quotas] = await Promise.all([call('getTenant', { tenantId }), call('listMembers', { tenantId }), call('getQuotas', { tenantId })])
      const [apiKeys, integrations] = await Promise.all([
        call('listApiKeys', { tenantId }).then((answer) => answer.items).catch(() => null),
        call('listIntegrations', { tenantId }).then((answer) => answer.items).catch(() => null),
      ])
      return { tenant, members: members.items, apiKeys, integrations, quotas }
    },
  })
}

export function operatorDetailQuery(tenantId: string, reason: () => Promise<string>) {
  return queryOptions({
    queryKey: tenantKeys.detail(tenantId, 'operator'),
    queryFn: async (): Promise<TenantDetail> => {
      const detail = await call('adminGetTenant', { tenantId }, { accessReason: await reason() })
      return { tenant: detail.tenant, members: detail.members, apiKeys: detail.apiKeys, integrations: detail.integrations, quotas: detail.quotas }
    },
  })
}

function useTenantMutation<Input>(tenantId: string, run: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient()
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tenants', 'detail', tenantId] }) })
}

export const useCreateApiKey = (tenantId: string) => useTenantMutation(tenantId, (input: { name: string; scopes: string[] }) => call('createApiKey', { tenantId, name: input.name, scopes: input.scopes as never }))
export const useRevokeApiKey = (tenantId: string) => useTenantMutation(tenantId, (keyId: string) => call('deleteApiKey', { tenantId, keyId }))
export const useAddMember = (tenantId: string) => useTenantMutation(tenantId, (input: { email: string; role: 'owner' | 'admin' | 'member' | 'viewer' }) => call('addMember', { tenantId, ...input }))
export const useChangeRole = (tenantId: string) => useTenantMutation(tenantId, (input: { userId: string; role: 'owner' | 'admin' | 'member' | 'viewer' }) => call('updateMember', { tenantId, ...input }))
export const useRemoveMember = (tenantId: string) => useTenantMutation(tenantId, (userId: string) => call('removeMember', { tenantId, userId }))
export const useConnectIntegration = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { provider: 'slack' | 'jira' | 'github'; label: string; secret: string }) => call('connectIntegration', { tenantId, ...input }))
export const useDisconnectIntegration = (tenantId: string) => useTenantMutation(tenantId, (integrationId: string) => call('disconnectIntegration', { tenantId, integrationId }))
export const useResetQuota = (tenantId: string) =>
  useTenantMutation(tenantId, (input: { kind: 'velocity' | 'monthly_ceiling'; reason: string }) => call('adminResetQuota', { tenantId, kind: input.kind }, { accessReason: input.reason }))
