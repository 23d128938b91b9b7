/**
 * Operators create, suspend, restore and delete tenants. Each is an operator write: the reason
 * comes from the AccessReasonProvider (the one in force for the tenant, or for every tenant when
 * creating one; asked first when there is none) and lands in the tenant's audit log beside the
 * change. Every list and view of tenants is read again after a change.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { OperationInput } from '@shared/contract'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { tenantKeys } from './tenant-queries'

export type NewTenant = OperationInput<'adminCreateTenant'>

/** A tenant and the invitation of its first owner (the token is in this answer only). */
export function useCreateTenant() {
  const operatorCall = useOperatorCall()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: NewTenant) =>
      operatorCall('adminCreateTenant', input, { scope: crossTenantScope, what: 'the tenant directory and create a tenant in it' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tenantKeys.directories() }),
  })
}

/** Suspend or restore: the answer is the tenant's directory entry, with `suspendedAt`. */
export function useSuspension(tenantId: string) {
  const operatorCall = useOperatorCall()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (change: 'suspend' | 'restore') =>
      change === 'suspend'
        ? operatorCall('adminSuspendTenant', { tenantId }, { scope: tenantId, what: 'and suspend this tenant' })
        : operatorCall('adminRestoreTenant', { tenantId }, { scope: tenantId, what: 'and restore this tenant' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tenantKeys.all }),
  })
}

/**
 * Deleting needs the slug typed again; the server checks it too. `onDeleted` leaves the tenant's
 * page first; then its views are dropped, not read again (it is gone), and the lists are read again.
 */
export function useDeleteTenant(tenantId: string, onDeleted: () => void) {
  const operatorCall = useOperatorCall()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (confirmSlug: string) =>
      operatorCall('adminDeleteTenant', { tenantId, confirmSlug }, { scope: tenantId, what: 'and delete this tenant' }),
    onSuccess: async () => {
      onDeleted()
      queryClient.removeQueries({ queryKey: tenantKeys.detailsOf(tenantId) })
      await queryClient.invalidateQueries({ queryKey: tenantKeys.directories() })
      await queryClient.invalidateQueries({ queryKey: tenantKeys.mine() })
    },
  })
}
