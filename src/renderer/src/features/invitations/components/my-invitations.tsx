import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { OperationOutput } from '@shared/contract'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { showToast } from '@renderer/components/ui/toast'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { myInvitationsQuery, useAnswerInvitation } from '../api/invitation-queries'

type MyInvitation = OperationOutput<'listMyInvitations'>['items'][number]

/** Declining closes the invitation for good: asked first, naming the tenant and the role. */
function DeclineDialog({
  invitation,
  onMembershipChanged,
  onClose,
}: {
  invitation: MyInvitation
  onMembershipChanged: () => Promise<void>
  onClose: () => void
}) {
  const decline = useAnswerInvitation(onMembershipChanged)
  return (
    <ConfirmDialog
      title={`Decline the invitation to ${invitation.tenantName}?`}
      confirmLabel="Decline invitation"
      pending={decline.isPending}
      error={decline.error}
      onCancel={onClose}
      onConfirm={() =>
        decline.mutate(
          { invitationId: invitation.id, answer: 'decline' },
          {
            onSuccess: () => {
              onClose()
              showToast(`Declined the invitation to ${invitation.tenantName}.`)
            },
          },
        )
      }
    >
      <p>
        You would have joined {invitation.tenantName} as {invitation.role}. Once declined, the invitation is gone: to join later you need a
        new one.
      </p>
    </ConfirmDialog>
  )
}

/** Pending invitations of the signed-in person, each with Accept and Decline; nothing when none. */
export function MyInvitations({ onMembershipChanged }: { onMembershipChanged: () => Promise<void> }) {
  const invitations = useQuery(myInvitationsQuery())
  const answer = useAnswerInvitation(onMembershipChanged)
  const [declining, setDeclining] = useState<MyInvitation | null>(null)
  const pending = invitations.data ?? []
  // The dialog sits beside the list, not in it: declining the last invitation empties the list before the dialog closes.
  return (
    <>
      {pending.length > 0 && (
        <section className="panel notice invitations" aria-labelledby="my-invitations-heading">
          <h2 id="my-invitations-heading">Invitations for you</h2>
          <ul className="plain-list">
            {pending.map((invitation) => (
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
                    onClick={() =>
                      answer.mutate(
                        { invitationId: invitation.id, answer: 'accept' },
                        { onSuccess: () => showToast(`You joined ${invitation.tenantName} as ${invitation.role}.`) },
                      )
                    }
                  >
                    Accept
                  </button>
                  <button type="button" disabled={answer.isPending} onClick={() => setDeclining(invitation)}>
                    Decline…
                  </button>
                </span>
              </li>
            ))}
          </ul>
          <ProblemMessage problem={problemOf(answer.error)} />
        </section>
      )}
      {declining && <DeclineDialog invitation={declining} onMembershipChanged={onMembershipChanged} onClose={() => setDeclining(null)} />}
    </>
  )
}
