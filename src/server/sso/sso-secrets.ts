/**
 * @module sso-secrets
 * Where the client secrets of identity providers are sealed (secret-box: AES-256-GCM, a key per
 * tenant by HKDF). A tenant's is sealed under that tenant's key exactly as its integration secrets
 * are; the platform's under the install's key, with a fixed id in the tenant's place. The purpose
 * differs from every other secret's, so a ciphertext moved from another column does not open.
 */
import type { SecretBoxContext } from '../crypto/secret-box.js'

export const tenantSsoSecretPurpose = 'sso-client-secret'
export const platformSsoSecretPurpose = 'platform-sso-client-secret'
/** The platform's stand-in for a tenant id in its secret's key derivation and authenticated data. */
export const platformSecretId = '00000000-0000-0000-0000-000000000000'

export const tenantSsoSecretContext = (tenantId: string): SecretBoxContext => ({ tenantId, purpose: tenantSsoSecretPurpose })
export const platformSsoSecretContext: SecretBoxContext = { tenantId: platformSecretId, purpose: platformSsoSecretPurpose }
