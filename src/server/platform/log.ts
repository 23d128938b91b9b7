/**
 * @module log
 * Structured JSON logs on stderr. Keys that can hold credentials are redacted wherever they
 * appear, so a careless `log.info({ req })` cannot leak a token.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export const redactedLogPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-csrf-token"]',
  'accessToken',
  'refreshToken',
  'key',
  '*.key',
]

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LIMENA_LOG_LEVEL ?? 'info',
      base: { service: 'limena' },
      redact: { paths: redactedLogPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stderr,
  )
}

export const silentLogger: Logger = pino({ level: 'silent' })
