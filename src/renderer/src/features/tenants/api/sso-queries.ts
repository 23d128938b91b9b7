/**
 * A tenant's single sign-on settings (owners only: the matrix's 'sso:manage'). The key sits under
 * the tenant's details, so any change to the tenant reads them again; saving and removing refresh
 * the tenant's details too (removing ends the sessions its provider opened).
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { OperationInput, TenantSso } from '@shared/contract'
import { call } from '@renderer/lib/bridge'
import { tenantKeys } from './tenant-queries'

export const ssoKeys = {
  of: (tenantId: string) => [...tenantKeys.detailsOf(tenantId), 'sso'] as const,
}

export function tenantSsoQuery(tenantId: string) {
  return queryOptions({ queryKey: ssoKeys.of(tenantId), queryFn: () => call('getTenantSso', { tenantId }) })
}

export type TenantSsoInput = Omit<OperationInput<'putTenantSso'>, 'tenantId'>

/*
 * `onDone` runs here, in the mutation's own options, not in a `mutate` call's: the settings form
 * is remounted for each saved version, and a remounted form's `mutate` callbacks would never run.
 */

export function useSaveTenantSso(tenantId: string, onDone: (saved: TenantSso) => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: TenantSsoInput) => call('putTenantSso', { tenantId, ...input }),
    onSuccess: async (saved) => {
      onDone(saved)
      await queryClient.invalidateQueries({ queryKey: tenantKeys.detailsOf(tenantId) })
    },
  })
}

export function useRemoveTenantSso(tenantId: string, onDone: () => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('deleteTenantSso', { tenantId }),
    onSuccess: async () => {
      onDone()
      await queryClient.invalidateQueries({ queryKey: tenantKeys.detailsOf(tenantId) })
    },
  })
}
