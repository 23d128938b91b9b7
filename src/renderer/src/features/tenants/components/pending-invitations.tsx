/**
 * A tenant's pending invitations, under its members, for owners and admins: who was invited, as
 * what, by whom, until when. A new link for one is asked first (the old link stops working) and
 * then shown once, in the same dialog as a new API key; revoking one is asked first, naming the
 * email. Both end with a toast.
 */
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { OperationOutput } from '@shared/contract'
import { mayAssignRole, type TenantRole } from '@shared/permissions'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { ShownOnceDialog } from '@renderer/components/ui/shown-once-dialog'
import { ErrorState, Loading } from '@renderer/components/ui/states'
import { showToast } from '@renderer/components/ui/toast'
import { formatDateTime } from '@renderer/lib/format'
import { tenantInvitationsQuery, useResendInvitation, useRevokeInvitation } from '../api/tenant-invitation-queries'
import './pending-invitations.css'

type Invitation = OperationOutput<'listInvitations'>['items'][number]

interface NewLink {
  email: string
  token: string
  expiresAt: string
}

function ResendDialog({
  tenantId,
  invitation,
  onClose,
  onResent,
}: {
  tenantId: string
  invitation: Invitation
  onClose: () => void
  onResent: (link: NewLink) => void
}) {
  const resend = useResendInvitation(tenantId)
  return (
    <ConfirmDialog
      title={`Make a new link for ${invitation.email}?`}
      confirmLabel="Make a new link"
      tone="primary"
      pending={resend.isPending}
      error={resend.error}
      onCancel={onClose}
      onConfirm={() =>
        resend.mutate(invitation.id, {
          onSuccess: (result) => onResent({ email: invitation.email, token: result.inviteToken, expiresAt: result.invitation.expiresAt }),
        })
      }
    >
      <p>
        The link sent to {invitation.email} before stops working at once. The new one invites them as {invitation.role} for 7 days, and you
        see it only once, next.
      </p>
    </ConfirmDialog>
  )
}

function RevokeInvitationDialog({ tenantId, invitation, onClose }: { tenantId: string; invitation: Invitation; onClose: () => void }) {
  const revoke = useRevokeInvitation(tenantId)
  return (
    <ConfirmDialog
      title={`Revoke the invitation of ${invitation.email}?`}
      confirmLabel="Revoke invitation"
      pending={revoke.isPending}
      error={revoke.error}
      onCancel={onClose}
      onConfirm={() =>
        revoke.mutate(invitation.id, {
          onSuccess: () => {
            onClose()
            showToast(`Revoked the invitation of ${invitation.email}: its link no longer works.`)
          },
        })
      }
    >
      <p>Its link stops working and {invitation.email} no longer sees it. To invite them again, send a new invitation.</p>
    </ConfirmDialog>
  )
}

export function PendingInvitations({ tenantId, actorRole }: { tenantId: string; actorRole: TenantRole }) {
  const invitations = useQuery(tenantInvitationsQuery(tenantId))
  const [resending, setResending] = useState<Invitation | null>(null)
  const [revoking, setRevoking] = useState<Invitation | null>(null)
  const [newLink, setNewLink] = useState<NewLink | null>(null)
  return (
    <section className="pending-invitations" aria-labelledby="pending-invitations-heading">
      <h2 id="pending-invitations-heading">Pending invitations</h2>
      {invitations.isPending && <Loading label="Reading the pending invitations…" />}
      {invitations.isError && <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />}
      {invitations.data?.length === 0 && <p className="muted">No pending invitations.</p>}
      {invitations.data && invitations.data.length > 0 && (
        <ul className="plain-list">
          {invitations.data.map((invitation) => (
            <li key={invitation.id} className="invitation-row">
              <span>
                <strong>{invitation.email}</strong> invited as <strong>{invitation.role}</strong>
                {invitation.invitedBy ? ` by ${invitation.invitedBy}` : ''}
                <span className="muted"> · link works until {formatDateTime(invitation.expiresAt)}</span>
              </span>
              <span className="row-actions">
                {mayAssignRole(actorRole, invitation.role) && (
                  <button type="button" aria-label={`Resend link to ${invitation.email}`} onClick={() => setResending(invitation)}>
                    Resend link…
                  </button>
                )}
                <button
                  type="button"
                  className="danger"
                  aria-label={`Revoke invitation of ${invitation.email}`}
                  onClick={() => setRevoking(invitation)}
                >
                  Revoke…
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {resending && (
        <ResendDialog
          tenantId={tenantId}
          invitation={resending}
          onClose={() => setResending(null)}
          onResent={(link) => {
            setResending(null)
            setNewLink(link)
          }}
        />
      )}
      {revoking && <RevokeInvitationDialog tenantId={tenantId} invitation={revoking} onClose={() => setRevoking(null)} />}
      <ShownOnceDialog
        secret={newLink?.token ?? null}
        title={newLink ? `New invitation link for ${newLink.email}` : 'New invitation link'}
        copyLabel="Copy link"
        confirmLabel="I copied the new link to send it"
        testId="invitation-link"
        onDone={() => {
          if (newLink) showToast(`New link for ${newLink.email} made: the old one no longer works.`)
          setNewLink(null)
        }}
      >
        {newLink && (
          <p>
            <strong>The link sent before no longer works.</strong> Send this one to {newLink.email}: it is shown only this once and works
            until {formatDateTime(newLink.expiresAt)}.
          </p>
        )}
      </ShownOnceDialog>
    </section>
  )
}
