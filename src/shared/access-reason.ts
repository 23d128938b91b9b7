/**
 * @module access-reason
 * The operator's access reason travels in the `X-Access-Reason` header, and HTTP headers carry
 * bytes that servers read as Latin-1: a reason in German or Japanese arrived garbled in the
 * tenant's log. So a reason holding anything but printable ASCII (or a `%`) is sent
 * percent-encoded as UTF-8 (RFC 3986), and the server decodes every valid escape; a `%` that
 * starts no valid escape stays as written, so "100% sure" typed by hand still reads right.
 */
import { z } from 'zod'

export const accessReasonHeader = 'x-access-reason'
export const accessReasonMinLength = 3
export const accessReasonMaxLength = 500

/** The one rule for a reason, checked by the prompt, the bridge, main's client and the server (after decoding). */
export const accessReasonSchema = z
  .string()
  .trim()
  .min(accessReasonMinLength, `a reason needs at least ${accessReasonMinLength} characters`)
  .max(accessReasonMaxLength, `a reason has at most ${accessReasonMaxLength} characters`)

const printableAscii = /^[\x20-\x7e]*$/

export function encodeAccessReason(reason: string): string {
  return printableAscii.test(reason) && !reason.includes('%') ? reason : encodeURIComponent(reason)
}

/** Decodes each run of `%XX` escapes that forms valid UTF-8; anything else is kept as written. */
export function decodeAccessReason(header: string): string {
  return header.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      // Not valid UTF-8 as a whole: decode the longest valid pieces, keep the rest literally.
      let decoded = ''
      let index = 0
      while (index < run.length) {
        let matched = false
        for (let length = Math.min(12, run.length - index); length >= 3; length -= 3) {
          try {
            decoded += decodeURIComponent(run.slice(index, index + length))
            index += length
            matched = true
            break
          } catch {
            // shorter
          }
        }
        if (!matched) {
          decoded += run.slice(index, index + 3)
          index += 3
        }
      }
      return decoded
    }
  })
}
