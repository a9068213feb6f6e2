import { ToolError } from '../lib/errors'
import { apiPath, asArray, type Connexcs } from './client'

/**
 * Rate cards: a customer's routing rows (each names a card by its alphanumeric `card_id`, not by
 * the row's numeric `id`), a card's details, and a revision's rules page by page.
 */

/** A routing row of `GET routing?company_id=`. */
export interface RoutingRecord {
  /** The routing row's own id: not a card id. */
  id: number
  company_id?: number
  /** The rate card (`AB12-xyz9`), or `internal`, `ip:…`, which are not cards. */
  card_id: string
  name?: string
  tech_prefix?: string
  /** Lower first. */
  priority?: number
  status?: string
  active_rev?: number
}

/** A card of `GET card` (the list). */
export interface CardSummary {
  id: string
  name?: string
  currency?: string
  direction?: string
  /** The carrier of a buy card; null for a customer (sell) card. */
  provider_id?: number | null
  active_rev?: number
  /** Rules in the active revision. */
  count?: number
}

/** A card of `GET card/<id>`. */
export interface CardRecord extends CardSummary {
  strategy?: string
  /** The carriers' cards a customer card routes to. */
  parent_card_ids?: string[]
  max_rev?: number
  revisions?: { rev: number, created?: string, count?: number }[]
  updated?: string
}

/** `GET routing?s=&company_id=`: a customer's routing rows, by priority. */
export async function listRouting (api: Connexcs, companyId: number): Promise<RoutingRecord[]> {
  const rows = asArray<RoutingRecord>(await api.get('routing', { s: '', company_id: companyId }))
  return rows.toSorted((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || a.id - b.id)
}

/** `GET card?s=`: cards whose name contains `s` (all without it). */
export async function listCards (api: Connexcs, s = ''): Promise<CardSummary[]> {
  return asArray<CardSummary>(await api.get('card', { s }))
}

/** `GET card/<id>`: one card (the API may wrap it in an array), or `undefined` when there is none. */
export async function getCard (api: Connexcs, cardId: string): Promise<CardRecord | undefined> {
  try {
    return asArray<CardRecord>(await api.get(apiPath`card/${cardId}`))[0]
  } catch (error) {
    if (error instanceof ToolError && error.type === 'not_found') return undefined
    throw error
  }
}

/**
 * One rule of a card, read into numbers: the shape the rate analysis takes as its `Rule` (kept
 * here apart, since the API layer does not depend on the analysis).
 */
export interface CardRule {
  prefix: string
  /** Destination name, e.g. "United Kingdom - Mobile". */
  name: string
  /** Price per minute, in the card's currency. */
  cost: number
  /** Minimum charged duration, seconds (1 when absent). */
  mcd: number
  /** Billing increment after the minimum, seconds (1 when absent). */
  pulse: number
  /** Charged once per connected call (0 when absent). */
  connection_cost: number
}

/** A number the API may send as text; undefined when it is none. */
function numberOf (value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/**
 * A rule as the API sends it (numbers maybe as text), or `undefined` when it has no usable prefix
 * or price. The prefix keeps its digits only (`+44 7` → `447`).
 */
export function parseRule (raw: unknown): CardRule | undefined {
  if (raw === null || typeof raw !== 'object') return undefined
  const r = raw as Record<string, unknown>
  const prefix = String(r.prefix ?? '').replace(/\D/g, '')
  const cost = numberOf(r.cost ?? r.rate)
  if (prefix === '' || cost === undefined) return undefined
  const whole = (value: unknown): number => {
    const n = numberOf(value)
    return n === undefined || n < 1 ? 1 : Math.round(n)
  }
  return {
    prefix,
    name: String(r.name ?? r.destination ?? ''),
    cost,
    mcd: whole(r.mcd),
    pulse: whole(r.pulse),
    connection_cost: numberOf(r.connection_cost ?? r.connection) ?? 0
  }
}

/** The most rules one request asks for (the API's limit). */
export const RULES_PAGE = 10_000

/** `GET card/<id>/rev/<rev>/rule?limit=&offset=`: one page of a revision's rules, parsed (unusable rows dropped). */
export async function getRules (
  api: Connexcs, cardId: string, rev: number | string, page: { limit?: number, offset?: number } = {}
): Promise<{ rules: CardRule[], rows: number }> {
  const raw = asArray<unknown>(await api.get(apiPath`card/${cardId}/rev/${rev}/rule`, { limit: page.limit ?? RULES_PAGE, offset: page.offset ?? 0 }))
  return { rules: raw.flatMap(r => parseRule(r) ?? []), rows: raw.length }
}

/**
 * Every rule of a revision, page after page until a short page, at most `maxRules` (default
 * 50,000). `complete` is false when it stopped at the cap: a longest-prefix match over the rules
 * read may then miss a longer prefix, and the caller must say so.
 */
export async function getAllRules (
  api: Connexcs, cardId: string, rev: number | string, maxRules = 50_000
): Promise<{ rules: CardRule[], complete: boolean }> {
  const rules: CardRule[] = []
  for (let offset = 0; offset < maxRules;) {
    const limit = Math.min(RULES_PAGE, maxRules - offset)
    const page = await getRules(api, cardId, rev, { limit, offset })
    rules.push(...page.rules)
    if (page.rows < limit) return { rules, complete: true }
    offset += page.rows
  }
  return { rules, complete: false }
}
