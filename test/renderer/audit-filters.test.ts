/**
 * The audit explorer's filters (src/renderer/src/features/audit/model/audit-filters.ts): the URL
 * is their one source of truth, so reading and writing it must round-trip, drop what the backend
 * would refuse, keep the page's other parameters, and resolve a relative range to the bounds the
 * list and its export share.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auditActionFilters } from '@shared/audit-actions'
import { auditKeys, auditPagesQuery, boundedFilters } from '../../src/renderer/src/features/audit/api/audit-queries'
import {
  actionFilterLabel,
  countWords,
  describeExport,
  filterChips,
  filtersFromParams,
  filtersKey,
  filtersToParams,
  ignoredFilterParams,
  queryFilters,
  relativeRangeNames,
  resolveTimeBounds,
  withoutFilter,
  type AuditViewFilters,
} from '../../src/renderer/src/features/audit/model/audit-filters'
import type { OperatorCall, ReasonSource } from '../../src/renderer/src/lib/operator-call'

const tenantId = '11111111-1111-4111-8111-111111111111'
const actorId = '33333333-3333-4333-8333-333333333333'
const now = Date.parse('2026-03-10T12:00:00.000Z')
const iso = (text: string) => new Date(text).toISOString()

describe('filters ↔ URL parameters', () => {
  it('round-trip every filter the explorer can set', () => {
    const filters: AuditViewFilters = {
      tenantId,
      action: 'api_key.deleted',
      actorId,
      targetId: 'key-42',
      q: 'CI deploy',
      range: '7d',
      operatorAccess: 'include',
    }
    const params = filtersToParams(filters)
    expect(params.toString()).toBe(
      `tenantId=${tenantId}&action=api_key.deleted&actorId=${actorId}&targetId=key-42&q=CI+deploy&range=7d&operatorAccess=include`,
    )
    expect(filtersFromParams(new URLSearchParams(params.toString()))).toEqual(filters)
  })

  it('round-trip any combination (property)', () => {
    const filtersArbitrary = fc.record(
      {
        tenantId: fc.uuid({ version: 4 }),
        action: fc.constantFrom(...auditActionFilters),
        actorId: fc.uuid({ version: 4 }),
        targetId: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim() === text && text.length > 0),
        q: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim() === text && text.length > 0),
        time: fc.oneof(
          fc.constantFrom(...relativeRangeNames).map((range) => ({ range })),
          fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 })).map(([start, length]) => ({
            from: new Date(now - start * 60_000).toISOString(),
            to: new Date(now - start * 60_000 + length * 1000).toISOString(),
          })),
        ),
        operatorAccess: fc.constantFrom('include' as const, 'exclude' as const),
      },
      { requiredKeys: ['operatorAccess'] },
    )
    fc.assert(
      fc.property(filtersArbitrary, ({ time, ...rest }) => {
        const filters: AuditViewFilters = { ...rest, ...(time ?? {}) }
        const written = filtersToParams(filters).toString()
        expect(filtersFromParams(new URLSearchParams(written))).toEqual(filters)
      }),
    )
  })

  it('write nothing for the defaults, and hide operator access unless asked', () => {
    expect(filtersToParams({ operatorAccess: 'exclude' }).toString()).toBe('')
    expect(filtersFromParams(new URLSearchParams(''))).toEqual({ operatorAccess: 'exclude' })
  })

  it('keep the page’s other parameters (the tenant tab) and leave the fixed tenant out of the URL', () => {
    const params = filtersToParams({ tenantId, action: 'auth.*', operatorAccess: 'exclude' }, { tab: 'audit' }, tenantId)
    expect(params.toString()).toBe('tab=audit&action=auth.*')
    expect(filtersFromParams(params, tenantId)).toEqual({ tenantId, action: 'auth.*', operatorAccess: 'exclude' })
  })

  it('take the tenant page’s tenant over one a URL names', () => {
    const other = '22222222-2222-4222-8222-222222222222'
    expect(filtersFromParams(new URLSearchParams(`tenantId=${other}`), tenantId).tenantId).toBe(tenantId)
  })

  it('drop what the backend would refuse rather than send it', () => {
    const filters = filtersFromParams(
      new URLSearchParams('tenantId=acme&action=api_key.eaten&actorId=42&from=202500-01-01T00:00&to=yesterday&range=2w&q=%20%20'),
    )
    expect(filters).toEqual({ operatorAccess: 'exclude' })
  })

  it('prefer a relative range to absolute bounds, and refuse an absolute range that ends before it starts', () => {
    expect(filtersFromParams(new URLSearchParams('range=24h&from=2026-01-01T00:00:00.000Z')).from).toBeUndefined()
    const backwards = filtersFromParams(new URLSearchParams('from=2026-02-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z'))
    expect(backwards).toEqual({ from: '2026-02-01T00:00:00.000Z', operatorAccess: 'exclude' })
  })

  it('tell filters apart by their key (a cleared filter is a new list)', () => {
    expect(filtersKey({ action: 'auth.*', operatorAccess: 'exclude' })).not.toBe(filtersKey({ operatorAccess: 'exclude' }))
    expect(filtersKey({ operatorAccess: 'include' })).not.toBe(filtersKey({ operatorAccess: 'exclude' }))
  })

  it('remove one chip’s filter, the time chip removing the whole range', () => {
    const filters: AuditViewFilters = { action: 'auth.*', from: iso('2026-01-01'), to: iso('2026-01-02'), operatorAccess: 'exclude' }
    expect(withoutFilter(filters, 'action')).toEqual({ from: iso('2026-01-01'), to: iso('2026-01-02'), operatorAccess: 'exclude' })
    expect(withoutFilter(filters, 'time')).toEqual({ action: 'auth.*', operatorAccess: 'exclude' })
  })
})

describe('time bounds', () => {
  it('resolve each relative range to [now - range, now)', () => {
    expect(resolveTimeBounds({ range: '15m' }, now)).toEqual({ from: '2026-03-10T11:45:00.000Z', to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ range: '1h' }, now)).toEqual({ from: '2026-03-10T11:00:00.000Z', to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ range: '24h' }, now)).toEqual({ from: '2026-03-09T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ range: '7d' }, now)).toEqual({ from: '2026-03-03T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ range: '30d' }, now)).toEqual({ from: '2026-02-08T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z' })
  })

  it('read up to the moment the list loaded when no range ends earlier', () => {
    expect(resolveTimeBounds({}, now)).toEqual({ to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ from: iso('2026-03-01') }, now)).toEqual({ from: iso('2026-03-01'), to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ to: iso('2027-01-01') }, now)).toEqual({ to: '2026-03-10T12:00:00.000Z' })
    expect(resolveTimeBounds({ from: iso('2026-01-01'), to: iso('2026-02-01') }, now)).toEqual({
      from: iso('2026-01-01'),
      to: iso('2026-02-01'),
    })
  })

  it('send the list and the export the same bounded filters, without the relative range', () => {
    const bounds = resolveTimeBounds({ range: '7d' }, now)
    const exported = boundedFilters({ tenantId, action: 'api_key.deleted', range: '7d', operatorAccess: 'exclude' }, bounds)
    expect(exported).toEqual({ tenantId, action: 'api_key.deleted', operatorAccess: 'exclude', from: bounds.from, to: bounds.to })
    expect(queryFilters({ tenantId, action: 'api_key.deleted', range: '7d', operatorAccess: 'exclude' }, bounds)).toEqual(exported)
  })

  it('resolve the bounds on the first page and reuse them for the next pages', async () => {
    const calls: Array<{ operation: string; input: Record<string, unknown>; reason: ReasonSource }> = []
    const operatorCall = (async (operation: string, input: Record<string, unknown>, reason: ReasonSource) => {
      calls.push({ operation, input, reason })
      return { items: [], nextCursor: 'next', counts: null }
    }) as unknown as OperatorCall
    let clock = now
    const options = auditPagesQuery('operator', { tenantId, range: '24h', operatorAccess: 'exclude' }, operatorCall, () => clock)
    expect(options.queryKey).toEqual(auditKeys.list('operator', { tenantId, range: '24h', operatorAccess: 'exclude' }))
    const queryFn = options.queryFn as unknown as (context: { pageParam: unknown }) => Promise<{ bounds: unknown; nextCursor: string }>
    const first = await queryFn({ pageParam: null })
    clock += 60 * 60_000
    const nextParam = (options.getNextPageParam as (last: unknown) => unknown)(first)
    await queryFn({ pageParam: nextParam })
    const bounds = { from: '2026-03-09T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z' }
    expect(calls.map((entry) => entry.input)).toEqual([
      { limit: 100, tenantId, operatorAccess: 'exclude', ...bounds },
      { limit: 100, cursor: 'next', tenantId, operatorAccess: 'exclude', ...bounds },
    ])
    expect(calls[0]!.reason).toEqual({ scope: tenantId, what: "this tenant's audit log" })
  })
})

describe('filters in words', () => {
  const format = (value: string) => value.replace('.000Z', 'Z')

  it('name actions and families for people', () => {
    expect(actionFilterLabel('api_key.deleted')).toBe('API key revoked')
    expect(actionFilterLabel('auth.*')).toBe('All auth events')
    expect(actionFilterLabel('api_key.*')).toBe('All API key events')
  })

  it('count events, bounded', () => {
    expect(countWords({ value: 1234, exact: true })).toBe('1,234 events')
    expect(countWords({ value: 1, exact: true })).toBe('1 event')
    expect(countWords({ value: 10_000, exact: false })).toBe('more than 10,000 events')
  })

  it('show one chip per filter, by name where known', () => {
    const filters: AuditViewFilters = { tenantId, action: 'api_key.deleted', actorId, range: '7d', operatorAccess: 'exclude' }
    expect(filterChips(filters, { tenant: 'Acme', actor: 'jane@acme.example' }, format).map((chip) => chip.label)).toEqual([
      'Tenant: Acme',
      'Action: API key revoked',
      'Actor: jane@acme.example',
      'Time: last 7 days',
    ])
    expect(filterChips(filters, {}, format, tenantId).map((chip) => chip.name)).toEqual(['action', 'actorId', 'time'])
  })

  it('describe the export the way the support engineer reads it', () => {
    const filters: AuditViewFilters = { tenantId, action: 'api_key.deleted', range: '7d', operatorAccess: 'exclude' }
    const bounds = resolveTimeBounds(filters, now)
    expect(describeExport(filters, bounds, { value: 1234, exact: true }, { tenant: 'Acme' }, format, 'UTC')).toBe(
      '1,234 events · API key revoked · tenant Acme · last 7 days (from 2026-03-03T12:00:00Z to 2026-03-10T12:00:00Z, UTC) · operator access hidden',
    )
    expect(describeExport({ operatorAccess: 'include' }, { to: '2026-03-10T12:00:00.000Z' }, null, {}, format, 'Europe/Rome')).toBe(
      'every action · every tenant · any time up to 2026-03-10T12:00:00Z (Europe/Rome) · operator access shown',
    )
  })
})

describe('a link with filters the page cannot apply', () => {
  it('names each one and why, instead of dropping it silently', () => {
    const params = new URLSearchParams(
      `action=no.such&from=2024-13-45&to=2024-01-01T00:00:00Z&actorId=alice&range=&q=ok&operatorAccess=maybe`,
    )
    expect(ignoredFilterParams(params)).toEqual([
      { name: 'action', value: 'no.such', why: 'no such action' },
      { name: 'actorId', value: 'alice', why: 'not an id' },
      { name: 'from', value: '2024-13-45', why: 'not a date and time' },
      { name: 'operatorAccess', value: 'maybe', why: 'neither include nor exclude' },
    ])
  })

  it('says when To is not after From, when a relative range wins, and on a tenant page a tenant filter', () => {
    expect(ignoredFilterParams(new URLSearchParams('from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z'))).toEqual([
      { name: 'to', value: '2024-01-01T00:00:00Z', why: 'not after From' },
    ])
    expect(ignoredFilterParams(new URLSearchParams('range=7d&from=2024-02-01T00:00:00Z'))).toEqual([
      { name: 'from', value: '2024-02-01T00:00:00Z', why: 'a relative range (7d) is applied instead' },
    ])
    expect(ignoredFilterParams(new URLSearchParams(`tenantId=${tenantId}`), tenantId)).toEqual([
      { name: 'tenantId', value: tenantId, why: "this page is one tenant's log" },
    ])
  })

  it('finds nothing to report in any link the page itself writes', () => {
    fc.assert(
      fc.property(
        fc.record({
          action: fc.option(fc.constantFrom(...auditActionFilters), { nil: undefined }),
          q: fc.option(
            fc.string({ minLength: 1, maxLength: 50 }).filter((text) => text.trim() === text && text.length > 0),
            { nil: undefined },
          ),
          range: fc.option(fc.constantFrom(...relativeRangeNames), { nil: undefined }),
          operatorAccess: fc.constantFrom('include' as const, 'exclude' as const),
        }),
        (filters) => {
          const written = filtersToParams(filtersFromParams(filtersToParams(filters)))
          expect(ignoredFilterParams(written)).toEqual([])
        },
      ),
    )
  })
})
