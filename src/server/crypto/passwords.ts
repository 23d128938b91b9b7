/**
 * @module passwords
 * Argon2id password hashes at OWASP's recommended parameters (m = 19 MiB, t = 2, p = 1), stored
 * in PHC form so the parameters travel with each hash. Hashing runs through a queue: each hash
 * takes 19 MiB, a core and a slot of libuv's thread pool, so a burst of logins waits instead of
 * exhausting memory or starving the pool's other work (files, DNS, WebCrypto).
 */
import { availableParallelism } from 'node:os'
import argon2 from 'argon2'
import pLimit from 'p-limit'

export const passwordHashParameters = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const

export const minimumPasswordLength = 12
export const maximumPasswordLength = 1024

/**
 * Hashes at once: one per core, leaving at least one thread of libuv's pool (UV_THREADPOOL_SIZE,
 * 4 unless set) to other work, and never fewer than 2. On a many-core server, raising
 * UV_THREADPOOL_SIZE to cores + 1 lets logins use every core.
 */
export function hashingConcurrencyFor(cores: number, threadPoolSize: number): number {
  return Math.max(2, Math.min(cores, threadPoolSize - 1))
}

export const hashingConcurrency = hashingConcurrencyFor(availableParallelism(), Number(process.env.UV_THREADPOOL_SIZE) || 4)

/** Exported for tests, which check that no more than its limit run at once. */
export const hashingQueue = pLimit(hashingConcurrency)

export function hashPassword(password: string): Promise<string> {
  return hashingQueue(() => argon2.hash(password, passwordHashParameters))
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashingQueue(() => argon2.verify(hash, password))
}

/** True when a stored hash was made with other parameters than today's: rehash it on login. */
export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, passwordHashParameters)
}

export function passwordProblem(password: string): string | null {
  if (password.length < minimumPasswordLength) return `a password needs at least ${minimumPasswordLength} characters`
  if (password.length > maximumPasswordLength) return `a password may have at most ${maximumPasswordLength} characters`
  return null
}
