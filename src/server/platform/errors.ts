/**
 * @module errors
 * Failures the operator must act on (bad configuration, unreachable database, unsafe secrets file).
 * Each carries a code to tell them apart and a message written to be shown as one line on the CLI.
 */
export type LimenaErrorCode =
  | 'config_invalid'
  | 'data_dir_unusable'
  | 'database_unreachable'
  | 'database_failed'
  | 'migration_failed'
  | 'secrets_unsafe'
  | 'secrets_invalid'
  | 'keychain_unavailable'
  | 'embedded_postgres_failed'
  | 'tls_invalid'
  | 'input_invalid'

export class LimenaError extends Error {
  readonly code: LimenaErrorCode

  constructor(code: LimenaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LimenaError'
    this.code = code
  }
}

export function isLimenaError(error: unknown): error is LimenaError {
  return error instanceof LimenaError
}

/** The message of any thrown value, on one line, for places that must not print a stack. */
export function oneLineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error'
}
