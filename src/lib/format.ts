/** Formatting by hand: the sandbox has no Intl. */

/** Unix seconds as an ISO 8601 UTC time without milliseconds, e.g. `2026-11-24T10:15:04Z`. */
export function isoFromUnix (seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A duration for people: `850 ms`, `2.1 s`, `4 min 05 s`, `2 h 45 min`. */
export function humanDuration (ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const total = Math.round(ms / 1000)
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`
  const minutes = Math.round(total / 60)
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** `3× 503 No Routes Available, 1× 486 Busy Here`: counts, most frequent first. */
export function countList (values: readonly string[], max = 3): string {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const shown = ranked.slice(0, max).map(([value, n]) => `${n}× ${value}`)
  if (ranked.length > max) shown.push(`${ranked.length - max} other`)
  return shown.join(', ')
}

/** A whole number with thousands separators: `12,345`. */
export function formatCount (n: number): string {
  const sign = n < 0 ? '-' : ''
  return sign + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** `1 call`, `2 calls`. */
export function plural (n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`
}

/** Money by currency, two decimals: `GBP 12.30, USD 4.00`. */
export function formatMoney (byCurrency: Readonly<Record<string, number>>): string {
  const parts = Object.entries(byCurrency).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([currency, amount]) => `${currency} ${amount.toFixed(2)}`)
  return parts.length === 0 ? 'none' : parts.join(', ')
}

/** An amount with thousands separators and fixed decimals: `-1,234.50` (half away from zero). */
export function formatAmount (amount: number, places = 2): string {
  const f = 10 ** places
  const scaled = Math.round(Math.abs(amount) * f + 1e-9)
  const whole = formatCount(Math.floor(scaled / f))
  const fraction = places === 0 ? '' : `.${String(scaled % f).padStart(places, '0')}`
  return `${amount < 0 && scaled !== 0 ? '-' : ''}${whole}${fraction}`
}
