const labels = { ok: 'Within limits', velocity_capped: 'Velocity capped', ceiling_reached: 'Ceiling reached' } as const

export function QuotaStateBadge({ state }: { state: keyof typeof labels }) {
  return <span className={`badge badge-${state}`}>{labels[state]}</span>
}
