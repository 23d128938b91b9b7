/**
 * A tenant's pending invitations, for its owners and admins: the list, a new link for one (the old
 * link stops working, the new token is in this answer only) and revoking one. They live under the
 * tenant's detail keys, so inviting someone from the members tab lists the invitation at once.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { call } from '@renderer/lib/bridge'
import { tenantKeys } from './tenant-queries'

export function tenantInvitationsQuery(tenantId: string) {
  return queryOptions({
    queryKey: tenantKeys.invitations(tenantId),
    queryFn: async () => (await call('listInvitations', { tenantId })).items,
  })
}

export function useResendInvitation(tenantId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (invitationId: string) => call('resendInvitation', { tenantId, invitationId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tenantKeys.invitations(tenantId) }),
  })
}

export function useRevokeInvitation(tenantId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (invitationId: string) => call('revokeInvitation', { tenantId, invitationId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tenantKeys.invitations(tenantId) }),
  })
}
