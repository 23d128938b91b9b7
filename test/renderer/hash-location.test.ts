/** The console's location is all in the hash: path and query, so each route owns its query. */
import { describe, expect, it } from 'vitest'
import { splitHash } from '../../src/renderer/src/lib/hash-location'
import { probeDelayAfter } from '../../src/renderer/src/lib/use-connection-health'

describe('splitHash', () => {
  it('splits the path from its query', () => {
    expect(splitHash('#/tenants/1?tab=audit&action=auth.*')).toEqual(['/tenants/1', 'tab=audit&action=auth.*'])
    expect(splitHash('#/audit')).toEqual(['/audit', ''])
  })

  it('reads an empty or slash-less hash as a path from the root', () => {
    expect(splitHash('')).toEqual(['/', ''])
    expect(splitHash('#audit?q=x')).toEqual(['/audit', 'q=x'])
  })
})

describe('probeDelayAfter', () => {
  it('probes again after 1, 2, then every 3 seconds: a returning backend is seen within 3 s', () => {
    expect([0, 1, 2, 3, 50].map(probeDelayAfter)).toEqual([1, 2, 3, 3, 3])
  })
})
