import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useMemo, useState } from 'react'
import { auditActionFamilies, auditActionNames, auditActions } from '@shared/audit-actions'
import type { OperatorCall } from '@renderer/lib/operator-call'
import { timeZoneName, useTimeZone } from '@renderer/lib/time-zone'
import {
  auditKeys,
  auditSubjectsQuery,
  tenantSearchQuery,
  type AuditRoute,
  type AuditSubject,
  type SubjectRole,
  type TenantChoice,
} from '../api/audit-queries'
import {
  actionFilterLabel,
  familyWords,
  relativeRangeNames,
  relativeRanges,
  type AuditViewFilters,
  type FilterNames,
  type TimeBounds,
} from '../model/audit-filters'
import { parseAbsoluteRange, toDateTimeInputValue } from '../model/date-input'
import { Combobox, type ComboboxOption } from './combobox'

/** `value`, once it has stopped changing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay)
    return () => clearTimeout(timer)
  }, [value, delay])
  return settled
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** The catalogue as picker options: each family (all of it first, then each action), by label. */
const actionOptions: ComboboxOption[] = auditActionFamilies.flatMap((family) => {
  const group = capitalise(familyWords[family] ?? family)
  return [
    { value: `${family}.*`, label: actionFilterLabel(`${family}.*`), detail: `${family}.*`, group },
    ...auditActionNames
      .filter((name) => name.startsWith(`${family}.`))
      .map((name) => ({ value: name, label: auditActions[name].label, detail: name, group })),
  ]
})

function matches(option: ComboboxOption, text: string): boolean {
  // Every typed word, in any order ("revoked key" finds "API key revoked").
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  const haystack = `${option.label} ${option.detail ?? ''} ${option.group ?? ''}`.toLowerCase()
  return words.every((word) => haystack.includes(word))
}

function TenantPicker({
  filters,
  setFilters,
  tenantLabel,
  operatorCall,
}: {
  filters: AuditViewFilters
  setFilters: (next: AuditViewFilters) => void
  tenantLabel: string
  /** An operator searches every tenant; null: the member's own tenants. */
  operatorCall: OperatorCall | null
}) {
  const queryClient = useQueryClient()
  const [text, setText] = useState('')
  const [open, setOpen] = useState(false)
  const search = useDebounced(text, 200)
  const tenants = useQuery({ ...tenantSearchQuery(search, operatorCall), enabled: open, placeholderData: keepPreviousData })
  // What is typed filters at once, while the search for it is on its way.
  const options = (tenants.data ?? [])
    .map((tenant) => ({ value: tenant.id, label: tenant.name, detail: tenant.slug }))
    .filter((option) => matches(option, text))
  return (
    <Combobox
      label="Tenant"
      value={filters.tenantId ?? null}
      valueLabel={filters.tenantId ? tenantLabel : ''}
      placeholder="All tenants: type a name"
      options={options}
      loading={tenants.isFetching}
      emptyText={tenants.isError ? 'The tenants could not be searched.' : 'No tenant has this name or slug.'}
      onSearch={setText}
      onOpenChange={setOpen}
      onPick={(option) => {
        const tenant = tenants.data?.find((candidate) => candidate.id === option.value)
        if (tenant) queryClient.setQueryData<TenantChoice>(auditKeys.tenantName(tenant.id), tenant)
        setFilters({ ...filters, tenantId: option.value })
      }}
    />
  )
}

function ActionPicker({ filters, setFilters }: { filters: AuditViewFilters; setFilters: (next: AuditViewFilters) => void }) {
  const [text, setText] = useState('')
  const options = useMemo(() => actionOptions.filter((option) => matches(option, text)), [text])
  return (
    <Combobox
      label="Action"
      value={filters.action ?? null}
      valueLabel={filters.action ? actionFilterLabel(filters.action) : ''}
      placeholder="Every action: type to search"
      options={options}
      emptyText="No action has these words."
      onSearch={setText}
      onPick={(option) => setFilters({ ...filters, action: option.value })}
    />
  )
}

const subjectTypeWords: Record<string, string> = {
  user: 'user',
  api_key: 'API key',
  operator: 'operator',
  system: 'system',
  tenant: 'tenant',
  integration: 'integration',
  invitation: 'invitation',
  quota: 'quota',
  ai_quota: 'AI quota',
  audit_log: 'audit log',
  tenant_data: 'tenant data',
  session: 'session',
}

function SubjectPicker({
  role,
  filters,
  setFilters,
  route,
  operatorCall,
  valueLabel,
  tenantName,
}: {
  role: SubjectRole
  filters: AuditViewFilters
  setFilters: (next: AuditViewFilters) => void
  route: AuditRoute
  operatorCall: OperatorCall
  valueLabel: string
  tenantName: (tenantId: string) => string | null
}) {
  const queryClient = useQueryClient()
  const [text, setText] = useState('')
  const [open, setOpen] = useState(false)
  const search = useDebounced(text, 250)
  const field = role === 'actor' ? 'actorId' : 'targetId'
  const needsTenant = route === 'tenant' && !filters.tenantId
  const subjects = useQuery({
    ...auditSubjectsQuery(route, filters.tenantId, role, search, operatorCall),
    enabled: open && !needsTenant,
  })
  const describe = (subject: AuditSubject) => {
    const parts = [
      subjectTypeWords[subject.type] ?? (subject.type || 'unknown'),
      `${subject.events} event${subject.events === 1 ? '' : 's'}`,
    ]
    if (!filters.tenantId && subject.tenantIds.length > 0) {
      const first = tenantName(subject.tenantIds[0]!) ?? 'a tenant'
      parts.push(subject.tenantIds.length > 1 ? `${first} and ${subject.tenantIds.length - 1} more` : first)
    }
    if (subject.name) parts.push(subject.id)
    return parts.join(' · ')
  }
  // An actor filter takes ids only (users, keys, operators); a target any id.
  const usable = (subjects.data ?? []).filter((subject) => role === 'target' || /^[0-9a-f-]{36}$/i.test(subject.id))
  // What is typed filters at once (name, id), while the search for it is on its way.
  const needle = text.trim().toLowerCase()
  const options = usable
    .filter((subject) => !needle || `${subject.name ?? ''} ${subject.id}`.toLowerCase().includes(needle))
    .map((subject) => ({ value: subject.id, label: subject.name ?? subject.id, detail: describe(subject) }))
  const label = role === 'actor' ? 'Actor' : 'Target'
  return (
    <Combobox
      label={label}
      value={filters[field] ?? null}
      valueLabel={filters[field] ? valueLabel : ''}
      placeholder={needsTenant ? 'Pick a tenant first' : role === 'actor' ? 'Anyone: type a name or email' : 'Anything: type a name'}
      disabled={needsTenant}
      options={options}
      loading={subjects.isFetching}
      emptyText={subjects.isError ? `The ${role}s could not be searched.` : `No ${role} matches.`}
      onSearch={setText}
      onOpenChange={setOpen}
      onPick={(option) => {
        const subject = usable.find((candidate) => candidate.id === option.value)
        queryClient.setQueryData(auditKeys.subjectName(route, filters.tenantId ?? null, role, option.value), subject?.name ?? null)
        setFilters({ ...filters, [field]: option.value })
      }}
    />
  )
}

/** Free text over names, targets and metadata: applied on Enter, or once typing pauses. */
function TextFilter({ filters, setFilters }: { filters: AuditViewFilters; setFilters: (next: AuditViewFilters) => void }) {
  const applied = filters.q ?? ''
  const [draft, setDraft] = useState(applied)
  const [seen, setSeen] = useState(applied)
  // The URL changed the filter (a chip removed, Clear all, Back): the box shows it.
  if (seen !== applied) {
    setSeen(applied)
    setDraft(applied)
  }
  const commit = (value: string) => {
    const next = value.trim()
    if (next === applied) return
    setFilters({ ...filters, q: next || undefined })
  }
  // Applied on Enter or on leaving the box, never while typing: each search is a read, and an
  // operator's read is recorded in the tenant's log, so half-typed words must not become reads.
  const id = useId()
  return (
    <div className="text-filter">
      <label htmlFor={id}>Text</label>
      <input
        id={id}
        type="search"
        value={draft}
        maxLength={200}
        placeholder="Names, targets, metadata"
        onChange={(event) => setDraft(event.target.value)}
        onBlur={() => commit(draft)}
        title="Press Enter to search"
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault()
            commit(draft)
          }
        }}
      />
    </div>
  )
}

interface RangeDraft {
  from: string
  to: string
  fromBad: boolean
  toBad: boolean
}

/** Relative ranges as one click each, and an absolute range read in the chosen zone. */
function TimeFilter({
  filters,
  setFilters,
  bounds,
}: {
  filters: AuditViewFilters
  setFilters: (next: AuditViewFilters) => void
  bounds: TimeBounds | null
}) {
  const zone = useTimeZone()
  const id = useId()
  const absolute = Boolean(filters.from || filters.to)
  const [customOpen, setCustomOpen] = useState(absolute)
  const appliedKey = `${filters.range ?? ''}|${filters.from ?? ''}|${filters.to ?? ''}|${zone}`
  const draftFromFilters = (): RangeDraft => ({
    from: toDateTimeInputValue(filters.from ?? (filters.range ? bounds?.from : undefined), zone),
    to: toDateTimeInputValue(filters.to ?? (filters.range ? bounds?.to : undefined), zone),
    fromBad: false,
    toBad: false,
  })
  const [draft, setDraft] = useState<RangeDraft>(draftFromFilters)
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({})
  const [seenKey, setSeenKey] = useState(appliedKey)
  if (seenKey !== appliedKey) {
    setSeenKey(appliedKey)
    setDraft(draftFromFilters())
    setErrors({})
    if (filters.from || filters.to) setCustomOpen(true)
  }
  const withoutTime = () => {
    const next = { ...filters }
    delete next.range
    delete next.from
    delete next.to
    return next
  }
  const applyRange = () => {
    const parsed = parseAbsoluteRange(draft, zone)
    if (!parsed.ok) {
      setErrors(parsed.errors)
      return
    }
    setErrors({})
    setFilters({ ...withoutTime(), ...(parsed.from ? { from: parsed.from } : {}), ...(parsed.to ? { to: parsed.to } : {}) })
  }
  const zoneName = timeZoneName(zone)
  return (
    <div className="time-filter">
      <span className="time-filter-label" aria-hidden="true">
        Time
      </span>
      <div className="segmented" role="group" aria-label="Time range">
        <button
          type="button"
          aria-pressed={!filters.range && !absolute}
          onClick={() => {
            setCustomOpen(false)
            setFilters(withoutTime())
          }}
        >
          Any time
        </button>
        {relativeRangeNames.map((range) => (
          <button
            key={range}
            type="button"
            aria-pressed={filters.range === range}
            aria-label={`Last ${relativeRanges[range].label}`}
            onClick={() => {
              setCustomOpen(false)
              setFilters({ ...withoutTime(), range })
            }}
          >
            {relativeRanges[range].label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={absolute}
          aria-expanded={customOpen}
          aria-controls={`${id}-custom`}
          onClick={() => {
            if (!customOpen) setDraft(draftFromFilters())
            setCustomOpen(!customOpen)
          }}
        >
          Custom…
        </button>
      </div>
      {customOpen && (
        <form
          id={`${id}-custom`}
          className="custom-range"
          aria-label="Custom time range"
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            applyRange()
          }}
        >
          <div className="range-field">
            <label htmlFor={`${id}-from`}>From ({zoneName})</label>
            <input
              id={`${id}-from`}
              type="datetime-local"
              value={draft.from}
              aria-invalid={errors.from ? true : undefined}
              aria-describedby={errors.from ? `${id}-from-error` : undefined}
              onChange={(event) => setDraft({ ...draft, from: event.target.value, fromBad: event.target.validity.badInput })}
            />
            {errors.from && (
              <p className="field-error" id={`${id}-from-error`} role="alert">
                {errors.from}
              </p>
            )}
          </div>
          <div className="range-field">
            <label htmlFor={`${id}-to`}>To ({zoneName})</label>
            <input
              id={`${id}-to`}
              type="datetime-local"
              value={draft.to}
              aria-invalid={errors.to ? true : undefined}
              aria-describedby={errors.to ? `${id}-to-error` : undefined}
              onChange={(event) => setDraft({ ...draft, to: event.target.value, toBad: event.target.validity.badInput })}
            />
            {errors.to && (
              <p className="field-error" id={`${id}-to-error`} role="alert">
                {errors.to}
              </p>
            )}
          </div>
          <button type="submit">Apply range</button>
        </form>
      )}
    </div>
  )
}

/**
 * The explorer's controls. Each writes the page's URL at once (pickers on a pick, the range on a
 * click, text on Enter or a pause); none holds a filter of its own, so clearing one clears it.
 */
export function AuditFilterBar({
  filters,
  setFilters,
  fixedTenantId,
  route,
  operatorCall,
  tenantSearchCall,
  names,
  tenantName,
  bounds,
}: {
  filters: AuditViewFilters
  setFilters: (next: AuditViewFilters) => void
  fixedTenantId?: string
  route: AuditRoute
  operatorCall: OperatorCall
  /** How the tenant picker searches: an operator's call (every tenant), or null (the member's own). */
  tenantSearchCall: OperatorCall | null
  names: FilterNames
  tenantName: (tenantId: string) => string | null
  bounds: TimeBounds | null
}) {
  return (
    <div className="audit-filters" role="search" aria-label="Audit filters">
      <div className="audit-pickers">
        {!fixedTenantId && (
          <TenantPicker
            filters={filters}
            setFilters={setFilters}
            tenantLabel={names.tenant ?? filters.tenantId ?? ''}
            operatorCall={tenantSearchCall}
          />
        )}
        <ActionPicker filters={filters} setFilters={setFilters} />
        <SubjectPicker
          role="actor"
          filters={filters}
          setFilters={setFilters}
          route={route}
          operatorCall={operatorCall}
          valueLabel={names.actor ?? filters.actorId ?? ''}
          tenantName={tenantName}
        />
        <SubjectPicker
          role="target"
          filters={filters}
          setFilters={setFilters}
          route={route}
          operatorCall={operatorCall}
          valueLabel={names.target ?? filters.targetId ?? ''}
          tenantName={tenantName}
        />
        <TextFilter filters={filters} setFilters={setFilters} />
      </div>
      <TimeFilter filters={filters} setFilters={setFilters} bounds={bounds} />
    </div>
  )
}
