import { useQuery } from '@tanstack/react-query'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { myInvitationsQuery, useAnswerInvitation } from '../api/invitation-queries'

/** Pending invitations of the signed-in person, each with Accept and Decline; nothing when none. */
export function MyInvitations({ onMembershipChanged }: { onMembershipChanged: () => Promise<void> }) {
  const invitations = useQuery(myInvitationsQuery())
  const answer = useAnswerInvitation(onMembershipChanged)
  if (!invitations.data?.length) return null
  return (
    <section className="panel notice invitations" aria-labelledby="my-invitations-heading">
      <h2 id="my-invitations-heading">Invitations for you</h2>
      <ul className="plain-list">
        {invitations.data.map((invitation) => (
          <li key={invitation.id} className="invitation-row">
            <span>
              <strong>{invitation.tenantName}</strong> invites you as <strong>{invitation.role}</strong>
              {invitation.invitedBy ? ` (sent by ${invitation.invitedBy})` : ''}, until {formatDateTime(invitation.expiresAt)}
            </span>
            <span className="row-actions">
              <button
                type="button"
                className="primary"
                disabled={answer.isPending}
                onClick={() => answer.mutate({ invitationId: invitation.id, answer: 'accept' })}
              >
                Accept
              </button>
              <button
                type="button"
                disabled={answer.isPending}
                onClick={() => answer.mutate({ invitationId: invitation.id, answer: 'decline' })}
              >
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
      <ProblemMessage problem={problemOf(answer.error)} />
    </section>
  )
}
