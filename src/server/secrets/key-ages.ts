/**
 * @module key-ages
 * How old each key of the install is, and whether its 90-day rotation is due: for `doctor`, the
 * posture screen and the console's banner. Never the keys themselves.
 */
import type { InstallSecrets } from './install-secrets.js'

export const keyRotationDays = 90

export interface KeyAge {
  kind: 'encryption' | 'jwt-signing'
  id: string
  createdAt: string | null
  ageDays: number | null
  retired: boolean
  rotationDue: boolean
}

export function keyAges(secrets: InstallSecrets, now: Date = new Date()): KeyAge[] {
  const age = (createdAt: string | null) => (createdAt ? Math.floor((now.getTime() - Date.parse(createdAt)) / 86_400_000) : null)
  const newestEncryption = Math.max(...secrets.encryptionKeys.map((key) => key.version))
  return [
    ...secrets.encryptionKeys.map((key) => ({
      kind: 'encryption' as const,
      id: `v${key.version}`,
      createdAt: key.createdAt,
      ageDays: age(key.createdAt),
      retired: key.version !== newestEncryption,
      rotationDue: (age(key.createdAt) ?? 0) > keyRotationDays,
    })),
    ...secrets.jwtSigningKeys.map((key) => ({
      kind: 'jwt-signing' as const,
      id: key.kid,
      createdAt: key.createdAt,
      ageDays: age(key.createdAt),
      retired: Boolean(key.retiredAt),
      rotationDue: (age(key.createdAt) ?? 0) > keyRotationDays,
    })),
  ]
}
