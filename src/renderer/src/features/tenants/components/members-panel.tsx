import { useState } from 'react'
import { mayAssignRole, tenantRoles, type TenantRole } from '@shared/permissions'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useAddMember, useChangeRole, useRemoveMember } from '../api/tenant-queries'

interface Member {
  userId: string
  email: string
  displayName: string | null
  role: TenantRole
  joinedAt: string
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
  const add = useAddMember(tenantId)
  const change = useChangeRole(tenantId)
  const remove = useRemoveMember(tenantId)
  const error = problemOf(add.error ?? change.error ?? remove.error)
  const assignable = tenantRoles.filter((candidate) => actorRole !== null && mayAssignRole(actorRole, candidate))
  const roleSelect = (member: Member) => (
    <select
      aria-label={`Role of ${member.email}`}
      value={member.role}
      onChange={(event) => change.mutate({ userId: member.userId, role: event.target.value as TenantRole })}
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
      <ProblemMessage problem={error} />
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
                <button type="button" className="danger" onClick={() => remove.mutate(member.userId)}>
                  Remove
                </button>
              )
            : undefined
        }
      />
    </div>
  )
}
