/**
 * @module credential-vault
 * One small interface over the places a secret can live: the OS keychain or a 0600 file.
 * Install secrets and (in the desktop app) refresh tokens go through it.
 */
export type CredentialVaultKind = 'keychain' | 'file'

export interface CredentialVault {
  readonly kind: CredentialVaultKind
  /** Where the secrets are, for messages: never the secrets themselves. */
  readonly location: string
  get(account: string): Promise<string | null>
  set(account: string, value: string): Promise<void>
  delete(account: string): Promise<boolean>
}
