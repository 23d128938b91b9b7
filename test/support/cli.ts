/**
 * Runs the built `limena` command as a user would, in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const limenaBin = fileURLToPath(new URL('../../bin/limena.js', import.meta.url))
/**
 * LIMENA_TEST_CLI: a CLI built elsewhere (`npx electron-vite build --outDir DIR`, with DIR/node_modules
 * linked to the project's), run as it is: for a run that must leave out/ alone.
 */
const prebuiltCli = process.env.LIMENA_TEST_CLI
const builtCli = prebuiltCli ?? fileURLToPath(new URL('../../out/main/cli.js', import.meta.url))
const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

function newestSourceMillis(directory: string): number {
  let newest = 0
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMillis(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** The CLI tests run the compiled command; build it when it is missing or older than the sources. */
export function ensureCliBuilt(): void {
  if (prebuiltCli) {
    if (!existsSync(prebuiltCli)) throw new Error(`LIMENA_TEST_CLI names ${prebuiltCli}, which does not exist`)
    return
  }
  const stale = !existsSync(builtCli) || statSync(builtCli).mtimeMs < newestSourceMillis(join(projectRoot, 'src'))
  if (stale) execFileSync('npx', ['electron-vite', 'build'], { cwd: projectRoot, stdio: 'ignore' })
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runLimena(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prebuiltCli ?? limenaBin, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`limena ${args.join(' ')} did not finish; stderr: ${stderr}`))
    }, options.timeoutMs ?? 90_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(options.stdin ?? '')
  })
}

export interface ServingProcess {
  child: ChildProcess
  url: string
  stderr: () => string
}

/** Starts `limena serve` and waits for the line with its URL. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServingProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [limenaBin, 'serve', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => reject(new Error(`serve did not start; stderr: ${stderr}`)), 90_000)
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /listening on (\S+)/.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve({ child, url: match[1]!, stderr: () => stderr })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}; stderr: ${stderr}`))
    })
  })
}

/** PIDs of postgres processes whose command line names `dataDir`. */
export function postgresProcessesOf(dataDir: string): number[] {
  const output = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return output
    .split('\n')
    .filter((line) => line.includes('postgres') && line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
}
