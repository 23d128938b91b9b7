/** What the single sign-on settings form reads from what an owner types. */

/** "login.example.com" from an issuer URL (the issuer as given when it is not a URL). */
export function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host
  } catch {
    return issuer
  }
}

/** The domains as typed: separated by commas, semicolons, spaces or lines, lowercased, without a leading @, each once. */
export function parseDomains(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((domain) => domain.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean),
    ),
  ]
}
