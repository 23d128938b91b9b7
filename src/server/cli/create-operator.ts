/**
 * @module create-operator
 * `limena create-operator --email E --password-stdin`: a platform administrator. The password is
 * read from standard input so it never appears in the process list or shell history.
 */
import { z } from 'zod'
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { hashPassword, passwordProblem } from '../crypto/passwords.js'
import { withMaintenance } from '../db/with-operator.js'
import { LimenaError } from '../errors.js'
import type { Logger } from '../log.js'
import { upsertPlatformOperator } from '../users/user-repository.js'

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}

export async function createOperatorCommand(
  config: LimenaConfig,
  log: Logger,
  print: (line: string) => void,
  options: { email: string; passwordStdin: boolean },
): Promise<void> {
  if (!z.string().email().safeParse(options.email).success) {
    throw new LimenaError('input_invalid', `not an email address: ${options.email}`)
  }
  if (!options.passwordStdin) throw new LimenaError('input_invalid', 'pass the password on standard input with --password-stdin')
  const password = (await readStdin()).replace(/\r?\n$/, '')
  const problem = passwordProblem(password)
  if (problem) throw new LimenaError('input_invalid', problem)
  const passwordHash = await hashPassword(password)
  const prepared = await prepareDatabase(config, log)
  try {
    const operator = await withMaintenance(prepared.pools, undefined, (client) => upsertPlatformOperator(client, { email: options.email, passwordHash }))
    log.info({ userId: operator.id, created: operator.created }, 'platform operator saved')
    print(`limena: ${operator.created ? 'created' : 'updated'} platform operator ${options.email.trim().toLowerCase()} (${operator.id})`)
  } finally {
    await prepared.close()
  }
}
