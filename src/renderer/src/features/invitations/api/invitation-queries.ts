/**
 * The signed-in person's pending invitations: membership is by consent, so an invitation waits
 * here until they accept (they join, and their tenant list refreshes) or decline it.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { call } from '@renderer/lib/bridge'

export const invitationKeys = {
  all: ['invitations'] as const,
  mine: () => ['invitations', 'mine'] as const,
}

export function myInvitationsQuery() {
  return queryOptions({ queryKey: invitationKeys.mine(), queryFn: async () => (await call('listMyInvitations', {})).items })
}

/** `onMembershipChanged` lets the app refresh what depends on the caller's memberships. */
export function useAnswerInvitation(onMembershipChanged: () => Promise<void>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ invitationId, answer }: { invitationId: string; answer: 'accept' | 'decline' }): Promise<void> => {
      if (answer === 'accept') await call('acceptMyInvitation', { invitationId })
      else await call('declineMyInvitation', { invitationId })
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: invitationKeys.all })
      await onMembershipChanged()
    },
  })
}
