/**
 * Changing a tenant's AI quota caps: an operator write, with the reason typed for it (recorded in
 * the tenant's log as operator.write and ai.quota_changed). Every view of the tenant reloads.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { tenantKeys } from './tenant-queries'

export interface QuotaCaps {
  velocityPerHour: number
  monthlyTokenCeiling: number
}

export function useSetQuotas(tenantId: string, onSaved?: () => void) {
  const operatorCall = useOperatorCall()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: QuotaCaps & { reason: string }) =>
      operatorCall(
        'adminSetQuotas',
        { tenantId, velocityPerHour: input.velocityPerHour, monthlyTokenCeiling: input.monthlyTokenCeiling },
        { reason: input.reason },
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: tenantKeys.detailsOf(tenantId) })
      await queryClient.invalidateQueries({ queryKey: tenantKeys.directories() })
      onSaved?.()
    },
  })
}
