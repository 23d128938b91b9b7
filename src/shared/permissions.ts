/**
 * @module permissions
 * The one permission matrix: for each tenant action, the lowest tenant role that may perform it
 * and the API-key scope that grants it (none: API keys may not). Platform admin is not a tenant
 * role and grants nothing here; operators act through the /admin routes. The server applies this
 * on every tenant route; the console reads it to hide what a role cannot do.
 */
export const tenantRoles = ['owner', 'admin', 'member', 'viewer'] as const
export type TenantRole = (typeof tenantRoles)[number]

export const apiKeyScopes = ['tenant:read', 'members:write', 'keys:write', 'integrations:write', 'audit:read', 'ai:write'] as const
export type ApiKeyScope = (typeof apiKeyScopes)[number]

const roleRank: Record<TenantRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 }

interface ActionRule {
  minimumRole: TenantRole
  scope: ApiKeyScope | null
}

export const permissionMatrix = {
  'tenant:read': { minimumRole: 'viewer', scope: 'tenant:read' },
  'tenant:update': { minimumRole: 'admin', scope: null },
  'tenant:delete': { minimumRole: 'owner', scope: null },
  'members:read': { minimumRole: 'viewer', scope: 'tenant:read' },
  'members:write': { minimumRole: 'admin', scope: 'members:write' },
  'invitations:manage': { minimumRole: 'admin', scope: 'members:write' },
  /** Leaving is a person's own act: any member may, no API key can. */
  'membership:leave': { minimumRole: 'viewer', scope: null },
  'keys:read': { minimumRole: 'admin', scope: 'keys:write' },
  'keys:write': { minimumRole: 'admin', scope: 'keys:write' },
  'integrations:read': { minimumRole: 'admin', scope: 'integrations:write' },
  'integrations:write': { minimumRole: 'admin', scope: 'integrations:write' },
  'audit:read': { minimumRole: 'admin', scope: 'audit:read' },
  'quotas:read': { minimumRole: 'viewer', scope: 'tenant:read' },
  'ai:write': { minimumRole: 'member', scope: 'ai:write' },
  /** Single sign-on decides who can reach the tenant: its owners alone read and change it. */
  'sso:manage': { minimumRole: 'owner', scope: null },
} as const satisfies Record<string, ActionRule>

export type TenantAction = keyof typeof permissionMatrix

export function roleAllows(role: TenantRole, action: TenantAction): boolean {
  return roleRank[role] >= roleRank[permissionMatrix[action].minimumRole]
}

export function scopesAllow(scopes: readonly string[], action: TenantAction): boolean {
  const scope: ApiKeyScope | null = permissionMatrix[action].scope
  return scope !== null && scopes.includes(scope)
}

/**
 * The API-key scopes a role may hold: those whose every action the role may perform. A member's
 * keys never outrank the member (a demotion takes away the scopes the new role lacks).
 */
export function scopesAllowedFor(role: TenantRole): ApiKeyScope[] {
  const rules = Object.entries(permissionMatrix) as Array<[TenantAction, ActionRule]>
  return apiKeyScopes.filter((scope) => rules.every(([action, rule]) => rule.scope !== scope || roleAllows(role, action)))
}

/** Only an owner may grant or take away the owner role (docs/security.md, Authorisation). */
export function mayAssignRole(actorRole: TenantRole, assignedRole: TenantRole): boolean {
  return assignedRole === 'owner' ? actorRole === 'owner' : roleRank[actorRole] >= roleRank.admin
}

export function atLeast(role: TenantRole, minimum: TenantRole): boolean {
  return roleRank[role] >= roleRank[minimum]
}
