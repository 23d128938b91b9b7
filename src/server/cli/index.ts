/**
 * @module cli
 * The `limena` command. Every failure ends as one readable line on stderr and exit code 1;
 * set LIMENA_DEBUG=1 to see the stack as well.
 */
import { Command, CommanderError } from 'commander'
import { loadConfig, type LimenaConfig } from '../config.js'
import { isLimenaError, oneLineMessage } from '../platform/errors.js'
import { createLogger, type Logger } from '../platform/log.js'
import { createOperatorCommand } from './create-operator.js'
import { formatChecks, runDoctor } from './doctor.js'
import { loadEnvFile } from './env-file.js'
import { migrateCommand } from './migrate.js'
import { rotateKeysCommand } from './rotate-keys.js'
import { seedDemoCommand } from './seed-demo.js'
import { verifyAuditCommand } from './verify-audit.js'
import { serveCommand } from './serve.js'
import { ssoCommand, type SsoCommandOptions } from './sso.js'

const print = (line: string): void => {
  process.stdout.write(line + '\n')
}

interface CommonOptions {
  dataDir?: string
  envFile?: string
}

async function setUp(
  options: CommonOptions,
  overrides: Partial<Record<keyof LimenaConfig, string | number | undefined>>,
  quiet: boolean,
): Promise<{ config: LimenaConfig; log: Logger }> {
  if (options.envFile) await loadEnvFile(options.envFile)
  const config = loadConfig(process.env, { dataDir: options.dataDir, ...overrides })
  const level = quiet && !process.env.LIMENA_LOG_LEVEL ? 'warn' : config.logLevel
  return { config, log: createLogger({ level }) }
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (LIMENA_DATA_DIR)')
    .option('--env-file <file>', 'read settings and secrets from a dotenv file readable by its owner only')
}

export function buildProgram(): Command {
  const program = new Command('limena')
    .description('Limena security backend: serve it headless, migrate its database, create operators, check an install')
    .showHelpAfterError()
    .exitOverride()

  withCommonOptions(program.command('serve'))
    .description('run the security backend over HTTP(S) until SIGINT or SIGTERM')
    .option('--host <host>', 'address to bind (LIMENA_HOST)', undefined)
    .option('--port <port>', 'port to listen on, 0 for any free one (LIMENA_PORT)')
    .option('--tls-cert <file>', 'PEM certificate chain: serve HTTPS with TLS 1.2 or newer (LIMENA_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (LIMENA_TLS_KEY)')
    .option(
      '--allowed-host <name>',
      "a Host name to answer besides the loopback ones when bound to loopback, e.g. a reverse proxy's (repeatable; LIMENA_ALLOWED_HOSTS)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(
      async (options: CommonOptions & { host?: string; port?: string; tlsCert?: string; tlsKey?: string; allowedHost?: string[] }) => {
        const { config, log } = await setUp(
          options,
          {
            host: options.host,
            port: options.port,
            tlsCertFile: options.tlsCert,
            tlsKeyFile: options.tlsKey,
            allowedHosts: options.allowedHost?.join(','),
          },
          false,
        )
        await serveCommand(config, log, print)
      },
    )

  withCommonOptions(program.command('migrate'))
    .description('create or update the database roles and schema')
    .action(async (options: CommonOptions) => {
      const { config, log } = await setUp(options, {}, true)
      await migrateCommand(config, log, print)
    })

  withCommonOptions(program.command('create-operator'))
    .description('create a platform operator (or promote an existing user); the password is read from stdin')
    .requiredOption('--email <email>', "the operator's email address")
    .option('--password-stdin', 'read the password from standard input')
    .action(async (options: CommonOptions & { email: string; passwordStdin?: boolean }) => {
      const { config, log } = await setUp(options, {}, true)
      await createOperatorCommand(config, log, print, { email: options.email, passwordStdin: Boolean(options.passwordStdin) })
    })

  withCommonOptions(program.command('doctor'))
    .description('check the install: data directory, secrets, keychain, key ages, database, migrations, roles')
    .action(async (options: CommonOptions) => {
      const { config, log } = await setUp(options, {}, true)
      const checks = await runDoctor(config, log)
      for (const line of formatChecks(checks)) print(line)
      if (checks.some((check) => check.status === 'fail')) process.exitCode = 1
    })

  withCommonOptions(program.command('verify-audit'))
    .description(
      "verify the hash chain of every tenant's audit log and of the platform audit log (or one tenant's); exit 1 at a broken link",
    )
    .option('--tenant <id>', 'only this tenant')
    .action(async (options: CommonOptions & { tenant?: string }) => {
      const { config, log } = await setUp(options, {}, true)
      if (!(await verifyAuditCommand(config, log, print, { tenant: options.tenant }))) process.exitCode = 1
    })

  withCommonOptions(program.command('rotate-keys'))
    .description('rotate a key of this install')
    .option('--jwt', 'add a new JWT signing key; the old one verifies until its tokens expire')
    .option('--encryption', 'add a new master encryption key and re-encrypt every integration and single sign-on secret under it')
    .action(async (options: CommonOptions & { jwt?: boolean; encryption?: boolean }) => {
      const { config, log } = await setUp(options, {}, true)
      await rotateKeysCommand(config, log, print, { jwt: Boolean(options.jwt), encryption: Boolean(options.encryption) })
    })

  const sso = program.command('sso').description("the platform's single sign-on for operators (tenants configure theirs in the console)")
  withCommonOptions(sso.command('configure'))
    .description("configure the platform's OpenID Connect provider; the client secret is read from stdin")
    .option('--platform', "the platform's provider, for operators")
    .option('--issuer <url>', 'issuer URL (https; its .well-known document is read now)')
    .option('--client-id <id>', 'client id registered at the provider')
    .option('--client-secret-stdin', 'read the client secret from standard input')
    .option('--domains <list>', "operators' email domains, comma-separated")
    .option('--require-for-operators', 'operator routes refuse sessions that did not come from this provider')
    .option('--trust-provider-mfa', "let the provider's second factor (amr) stand for the operator's own, once that exists")
    .action(async (options: CommonOptions & SsoCommandOptions) => {
      const { config, log } = await setUp(options, {}, true)
      await ssoCommand(config, log, print, 'configure', options)
    })
  withCommonOptions(sso.command('show'))
    .description("show the platform's single sign-on (never its secret)")
    .option('--platform', "the platform's provider, for operators")
    .action(async (options: CommonOptions & SsoCommandOptions) => {
      const { config, log } = await setUp(options, {}, true)
      await ssoCommand(config, log, print, 'show', options)
    })
  withCommonOptions(sso.command('remove'))
    .description("remove the platform's single sign-on; the sessions it opened end")
    .option('--platform', "the platform's provider, for operators")
    .action(async (options: CommonOptions & SsoCommandOptions) => {
      const { config, log } = await setUp(options, {}, true)
      await ssoCommand(config, log, print, 'remove', options)
    })

  withCommonOptions(program.command('seed-demo'))
    .description('fill the install with realistic demo tenants, members, keys, integrations, usage and audit history')
    .option('--tenants <n>', 'how many tenants (default 50)')
    .option('--audit-rows <n>', 'how many audit events (default 100000)')
    .action(async (options: CommonOptions & { tenants?: string; auditRows?: string }) => {
      const { config, log } = await setUp(options, {}, true)
      await seedDemoCommand(config, log, print, { tenants: options.tenants, auditRows: options.auditRows })
    })

  return program
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    process.stderr.write(`limena: ${isLimenaError(error) ? error.message : `unexpected error: ${oneLineMessage(error)}`}\n`)
    if (process.env.LIMENA_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`)
    process.exitCode = 1
    // Anything still holding the event loop (a half-started pool) must not keep a failed command alive.
    setTimeout(() => process.exit(1), 2_000).unref()
  }
}

await main()
