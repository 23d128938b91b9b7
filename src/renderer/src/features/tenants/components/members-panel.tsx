import { useState } from 'react'
import { mayAssignRole, roleAllows, tenantRoles, type TenantRole } from '@shared/permissions'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { showToast } from '@renderer/components/ui/toast'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useAddMember, useChangeRole, useRemoveMember } from '../api/tenant-queries'
import { PendingInvitations } from './pending-invitations'

interface Member {
  userId: string
  email: string
  displayName: string | null
  role: TenantRole
  joinedAt: string
}

/** What each role may do, for the question that changes one. */
const roleMeaning: Record<TenantRole, string> = {
  owner: 'Owners may do everything, including granting and taking away the owner role.',
  admin: 'Admins manage members, invitations, API keys and integrations, and read the audit log.',
  member: 'Members read the tenant and use its AI.',
  viewer: 'Viewers only read the tenant.',
}

const roleOrder: Record<TenantRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 }

/** A role change is asked first: it names the person, the old role and the new one. */
function ChangeRoleDialog({
  tenantId,
  member,
  role,
  onClose,
}: {
  tenantId: string
  member: Member
  role: TenantRole
  onClose: () => void
}) {
  const change = useChangeRole(tenantId)
  const demotion = roleOrder[role] < roleOrder[member.role]
  return (
    <ConfirmDialog
      title={`Change ${member.email} from ${member.role} to ${role}?`}
      confirmLabel="Change role"
      tone={demotion ? 'danger' : 'primary'}
      pending={change.isPending}
      error={change.error}
      onCancel={onClose}
      onConfirm={() =>
        change.mutate(
          { userId: member.userId, role },
          {
            onSuccess: () => {
              onClose()
              showToast(`${member.email} is now ${role} (was ${member.role}).`)
            },
          },
        )
      }
    >
      <p>{roleMeaning[role]}</p>
      {demotion && (
        <p>
          API keys {member.email} made lose the scopes a {role} may not hold.
        </p>
      )}
    </ConfirmDialog>
  )
}

/** Removing someone is asked first, naming them. */
function RemoveMemberDialog({ tenantId, member, onClose }: { tenantId: string; member: Member; onClose: () => void }) {
  const remove = useRemoveMember(tenantId)
  return (
    <ConfirmDialog
      title={`Remove ${member.email} from this tenant?`}
      confirmLabel="Remove member"
      pending={remove.isPending}
      error={remove.error}
      onCancel={onClose}
      onConfirm={() =>
        remove.mutate(member.userId, {
          onSuccess: () => {
            onClose()
            showToast(`Removed ${member.email} from this tenant.`)
          },
        })
      }
    >
      <p>
        {member.email} ({member.role}) loses access at once, and the API keys they made are revoked. To come back they need a new
        invitation.
      </p>
    </ConfirmDialog>
  )
}

export function MembersPanel({
  tenantId,
  members,
  actorRole,
  canWrite,
}: {
  tenantId: string
  members: Member[]
  actorRole: TenantRole | null
  canWrite: boolean
}) {
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<TenantRole>('member')
  const [invitation, setInvitation] = useState<string | null>(null)
  const [changing, setChanging] = useState<{ member: Member; role: TenantRole } | null>(null)
  const [removing, setRemoving] = useState<Member | null>(null)
  const add = useAddMember(tenantId)
  const assignable = tenantRoles.filter((candidate) => actorRole !== null && mayAssignRole(actorRole, candidate))
  const roleSelect = (member: Member) => (
    <select
      aria-label={`Role of ${member.email}`}
      value={member.role}
      onChange={(event) => setChanging({ member, role: event.target.value as TenantRole })}
    >
      {tenantRoles.map((candidate) => (
        <option key={candidate} disabled={candidate !== member.role && !assignable.includes(candidate)}>
          {candidate}
        </option>
      ))}
    </select>
  )
  return (
    <div className="panel">
      {canWrite && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            add.mutate(
              { email, role },
              {
                onSuccess: (result) => {
                  setEmail('')
                  setInvitation((result as { inviteToken: string | null }).inviteToken)
                },
              },
            )
          }}
        >
          <label>
            Email
            <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(event) => setRole(event.target.value as TenantRole)}>
              {assignable.map((candidate) => (
                <option key={candidate}>{candidate}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={add.isPending}>
            Invite
          </button>
        </form>
      )}
      {invitation && (
        <p className="notice" role="status">
          Invitation created. Nobody joins without accepting: a person with an account sees it under “Invitations for you” after signing in;
          a new person accepts with this token (shown once, valid 7 days): <code className="secret">{invitation}</code>
        </p>
      )}
      <ProblemMessage problem={problemOf(add.error)} />
      <RecordTable
        rows={members}
        rowKey={(member) => member.userId}
        empty="No members."
        columns={[
          {
            header: 'Member',
            cell: (member) => (
              <>
                {member.displayName ?? member.email}
                {member.displayName && <div className="muted">{member.email}</div>}
              </>
            ),
          },
          { header: 'Role', cell: (member) => (canWrite ? roleSelect(member) : member.role) },
          { header: 'Joined', cell: (member) => formatDateTime(member.joinedAt) },
        ]}
        actions={
          canWrite
            ? (member) => (
                <button type="button" className="danger" aria-label={`Remove ${member.email}`} onClick={() => setRemoving(member)}>
                  Remove…
                </button>
              )
            : undefined
        }
      />
      {actorRole !== null && roleAllows(actorRole, 'invitations:manage') && (
        <PendingInvitations tenantId={tenantId} actorRole={actorRole} />
      )}
      {changing && <ChangeRoleDialog tenantId={tenantId} member={changing.member} role={changing.role} onClose={() => setChanging(null)} />}
      {removing && <RemoveMemberDialog tenantId={tenantId} member={removing} onClose={() => setRemoving(null)} />}
    </div>
  )
}
