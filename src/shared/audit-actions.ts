/**
 * @module audit-actions
 * Every action the audit log can hold, declared once: its name (what is stored and filtered on),
 * the words people read for it, what kind of thing it targets and which fields it fills. The
 * writer accepts only these names, the API's filters accept only these names (or a family such
 * as `auth.*`), and the console shows the labels, so the words on buttons and in the log match.
 */

type AuditField = 'reason' | 'changes' | 'metadata'

interface AuditActionDefinition {
  label: string
  /** What `target` names, or null when the event has no target. */
  target: 'user' | 'tenant' | 'api_key' | 'integration' | 'invitation' | 'quota' | 'audit_log' | 'tenant_data' | 'session' | null
  /** Fields the event fills besides actor, target and request. */
  fields: readonly AuditField[]
}

export const auditActions = {
  'auth.login': { label: 'Signed in', target: 'user', fields: ['metadata'] },
  'auth.login_failed': { label: 'Sign-in failed', target: 'user', fields: ['metadata'] },
  'auth.logout': { label: 'Signed out', target: 'user', fields: ['metadata'] },
  'auth.password_changed': { label: 'Password changed', target: 'user', fields: ['metadata'] },
  'auth.refresh_reuse': { label: 'Stolen session detected and revoked', target: 'user', fields: ['metadata'] },
  'auth.sso_failed': { label: 'Single sign-on refused', target: 'user', fields: ['metadata'] },
  'auth.session_ended': { label: 'Session ended by its user', target: 'session', fields: ['metadata'] },
  'sso.configured': { label: 'Single sign-on configured', target: 'tenant', fields: ['changes', 'metadata'] },
  'sso.removed': { label: 'Single sign-on removed', target: 'tenant', fields: ['metadata'] },
  'sso.reencrypted': { label: 'Single sign-on secret re-encrypted under a new key', target: 'tenant', fields: ['metadata'] },
  'session.revoked': { label: 'Sessions revoked by an operator', target: 'user', fields: ['reason', 'metadata'] },
  'tenant.created': { label: 'Tenant created', target: 'tenant', fields: ['metadata'] },
  'tenant.updated': { label: 'Tenant renamed', target: 'tenant', fields: ['changes'] },
  'tenant.deleted': { label: 'Tenant deleted', target: 'tenant', fields: ['reason'] },
  'tenant.suspended': { label: 'Tenant suspended', target: 'tenant', fields: ['reason'] },
  'tenant.restored': { label: 'Tenant restored', target: 'tenant', fields: ['reason'] },
  'member.invited': { label: 'Member invited', target: 'invitation', fields: ['metadata'] },
  'member.added': { label: 'Member joined', target: 'user', fields: ['metadata'] },
  'member.role_changed': { label: 'Member role changed', target: 'user', fields: ['changes'] },
  'member.removed': { label: 'Member removed', target: 'user', fields: ['metadata'] },
  'member.left': { label: 'Member left', target: 'user', fields: ['metadata'] },
  'invitation.declined': { label: 'Invitation declined', target: 'invitation', fields: ['metadata'] },
  'invitation.revoked': { label: 'Invitation revoked', target: 'invitation', fields: ['metadata'] },
  'invitation.resent': { label: 'Invitation link renewed', target: 'invitation', fields: ['metadata'] },
  'api_key.created': { label: 'API key created', target: 'api_key', fields: ['metadata'] },
  'api_key.deleted': { label: 'API key revoked', target: 'api_key', fields: ['reason', 'metadata'] },
  'api_key.scopes_reduced': { label: 'API key scopes reduced', target: 'api_key', fields: ['reason', 'changes', 'metadata'] },
  'api_key.rolled': { label: 'API key rolled', target: 'api_key', fields: ['metadata'] },
  'integration.connected': { label: 'Integration connected', target: 'integration', fields: ['metadata'] },
  'integration.disconnected': { label: 'Integration disconnected', target: 'integration', fields: ['metadata'] },
  'integration.reencrypted': { label: 'Integration secret re-encrypted', target: 'integration', fields: ['metadata'] },
  'audit.exported': { label: 'Audit log exported', target: 'audit_log', fields: ['metadata'] },
  'ai.quota_tripped': { label: 'AI quota reached', target: 'quota', fields: ['metadata'] },
  'ai.quota_reset': { label: 'AI quota reset', target: 'quota', fields: ['reason', 'metadata'] },
  'ai.quota_changed': { label: 'AI quota changed', target: 'quota', fields: ['reason', 'changes'] },
  'operator.read': { label: 'Operator read tenant data', target: 'tenant_data', fields: ['reason', 'metadata'] },
  'operator.write': { label: 'Operator changed tenant data', target: 'tenant_data', fields: ['reason', 'metadata'] },
} as const satisfies Record<string, AuditActionDefinition>

export type AuditAction = keyof typeof auditActions

export const auditActionNames = Object.keys(auditActions) as AuditAction[]

/** The families actions group into (`auth`, `member`, …), for filters such as `auth.*`. */
export const auditActionFamilies = [...new Set(auditActionNames.map((name) => name.split('.')[0]!))]

/** What an audit filter may name: every action, and every family as `family.*`. */
export const auditActionFilters = [...auditActionNames, ...auditActionFamilies.map((family) => `${family}.*`)] as [string, ...string[]]

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(auditActions, value)
}

/** An action name, or a family written `family.*`. */
export function isAuditActionFilter(value: string): boolean {
  return isAuditAction(value) || (value.endsWith('.*') && auditActionFamilies.includes(value.slice(0, -2)))
}

export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? auditActions[action].label : action
}

/**
 * The platform audit log's actions: operators' reads of data about the platform rather than any
 * one tenant's content (the directory of tenant names and counters, usage across tenants, the
 * posture, the access log, this log itself). Each read is one row there, not one per tenant.
 */
export const platformAuditActions = {
  'platform.directory_read': { label: 'Read the tenant directory' },
  'platform.tenant_lookup': { label: 'Looked up a tenant by id or slug' },
  'platform.usage_read': { label: 'Read usage across tenants' },
  'platform.posture_read': { label: 'Read the security posture' },
  'platform.access_log_read': { label: 'Read the operator access log' },
  'platform.audit_log_read': { label: 'Read the platform audit log' },
  'platform.audit_log_exported': { label: 'Exported the platform audit log' },
  'platform.user_search': { label: 'Searched people across tenants' },
  'platform.user_sessions_read': { label: "Read a person's sessions" },
  'platform.sso_configured': { label: "Configured the operators' single sign-on" },
  'platform.sso_removed': { label: "Removed the operators' single sign-on" },
  'platform.sso_failed': { label: 'Refused a single sign-on attempt' },
  'platform.sso_reencrypted': { label: "Re-encrypted the operators' single sign-on secret under a new key" },
} as const satisfies Record<string, { label: string }>

export type PlatformAuditAction = keyof typeof platformAuditActions

export const platformAuditActionNames = Object.keys(platformAuditActions) as [PlatformAuditAction, ...PlatformAuditAction[]]

export function platformAuditActionLabel(action: string): string {
  return Object.hasOwn(platformAuditActions, action) ? platformAuditActions[action as PlatformAuditAction].label : action
}

/** The tenant log's actions that record an operator's access (hidden by the explorer unless asked for). */
export const operatorAccessActions = ['operator.read', 'operator.write'] as const satisfies readonly AuditAction[]
