/**
 * What the connection form says about its fields: the person's own slips (an empty name) before
 * anything is sent, then main's answer in main's words. Main asks a backend before it is saved,
 * and refuses it on the `url` field with why: a certificate this computer does not trust, a server
 * that is not Limena, an address against the rules (https, or http on this computer only), or a
 * backend that does not answer. Only the last may be saved anyway (it may not be running yet); a
 * certificate is never overridden here.
 */
import type { Connection } from '@shared/bridge'
import type { Problem } from '@shared/problem'

/** The lengths main's schema allows (src/shared/bridge.ts `connectionFields`). */
const nameMaxLength = 100
const urlMaxLength = 2048

/** Main's title for a backend that did not answer when asked: the one refusal "Add anyway" may override. */
export const unreachableTitle = 'Backend not reachable'

export type ConnectionField = 'name' | 'url'

export interface ConnectionValues {
  name: string
  url: string
}

/** The person's own slips, said before anything is sent. */
export function fieldSlips(values: ConnectionValues): Partial<Record<ConnectionField, string>> {
  const slips: Partial<Record<ConnectionField, string>> = {}
  const name = values.name.trim()
  const url = values.url.trim()
  if (name === '') slips.name = 'Give the connection a name, such as “Production” or “Staging”.'
  else if (name.length > nameMaxLength) slips.name = `Use at most ${nameMaxLength} characters.`
  if (url === '') slips.url = 'Give the backend’s address, such as https://limena.example.com.'
  else if (url.length > urlMaxLength) slips.url = `Use at most ${urlMaxLength} characters.`
  return slips
}

export interface Refusal {
  /** The field main refused, or null when the refusal is about the whole form. */
  field: ConnectionField | null
  /** What main found, as its title says it ("Certificate not trusted"); null for a slip in a field's form. */
  title: string | null
  /** Main's words, shown as they are (a sentence's first letter made capital). */
  message: string
  /** The backend did not answer: it may be saved anyway, to sign in once it runs. */
  unreachable: boolean
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** Main's refusal of an add or a change, as the form shows it. */
export function refusalOf(problem: Problem): Refusal {
  const fieldError = problem.errors?.find((error) => error.path === 'url' || error.path === 'name')
  const field = (fieldError?.path as ConnectionField | undefined) ?? null
  // On the URL, the detail is main's sentence about the backend; a schema slip on a field says it best itself.
  const message = field === 'url' ? (problem.detail ?? fieldError!.message) : (fieldError?.message ?? problem.detail ?? problem.title)
  // The input schema's own slips are titled only "Invalid input": the field's message says it all.
  const title = problem.title === 'Invalid input' ? null : problem.title
  return { field, title, message: capitalised(message), unreachable: problem.title === unreachableTitle }
}

/** Two addresses of the same backend (scheme, host and port): "http://127.0.0.1:7420/" is "http://127.0.0.1:7420". */
export function sameBackend(first: string, second: string): boolean {
  try {
    return new URL(first.trim()).origin === new URL(second.trim()).origin
  } catch {
    return first.trim() === second.trim()
  }
}

/** How the list names a connection's kind. */
export function kindLabel(connection: Connection): string {
  return connection.kind === 'embedded' ? 'This computer' : 'Remote'
}
