/**
 * @module create-operator
 * `limena create-operator --email E --password-stdin`: a platform administrator. The password is
 * read from standard input so it never appears in the process list or shell history.
 */
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { LimenaError } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'
import { operatorInputProblem, savePlatformOperator } from '../users/platform-operators.js'

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
  if (!options.passwordStdin) throw new LimenaError('input_invalid', 'pass the password on standard input with --password-stdin')
  const password = (await readStdin()).replace(/\r?\n$/, '')
  const problem = operatorInputProblem({ email: options.email, password })
  if (problem) throw new LimenaError('input_invalid', problem)
  const prepared = await prepareDatabase(config, log)
  try {
    const saved = await savePlatformOperator(prepared.pools, { email: options.email, password })
    if (!saved.ok) throw new LimenaError('input_invalid', saved.reason)
    log.info({ userId: saved.id, created: saved.created }, 'platform operator saved')
    print(`limena: ${saved.created ? 'created' : 'updated'} platform operator ${saved.email} (${saved.id})`)
  } finally {
    await prepared.close()
  }
}
