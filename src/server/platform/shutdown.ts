/**
 * @module shutdown
 * SIGINT, SIGTERM and SIGHUP run one orderly shutdown; a second signal while it runs exits at once.
 */
export function onShutdownSignal(
  shutdown: (signal: NodeJS.Signals) => Promise<void>,
  forceExit = (code: number) => process.exit(code),
): void {
  let shuttingDown = false
  const handle = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      forceExit(1)
      return
    }
    shuttingDown = true
    shutdown(signal).then(
      () => forceExit(0),
      () => forceExit(1),
    )
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handle)
}
