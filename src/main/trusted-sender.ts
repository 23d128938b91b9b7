/**
 * @module trusted-sender
 * Which frames may call the bridge: the console's own page (its file in production, the dev
 * server's origin in development), nothing else.
 */
import { pathToFileURL } from 'node:url'

export function trustedSenderCheck(options: { rendererFile: string; devServerUrl?: string }): (url: string) => boolean {
  if (options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin
    return (url) => {
      try {
        return new URL(url).origin === origin
      } catch {
        return false
      }
    }
  }
  const page = pathToFileURL(options.rendererFile).href
  return (url) => url === page || url.startsWith(`${page}#`) || url.startsWith(`${page}?`)
}
