import { balanceOf } from '../../analysis/accounts'
import { resolveName, type MatchedBy, type Named } from '../../analysis/resolve'
import { getCarrierAccount, getCustomerAccount, listCarriers, listCustomers, type CarrierAccount, type CustomerAccount } from '../../connexcs/customers'
import type { Connexcs } from '../../connexcs/client'
import { nextStep, type NextStep, type ToolResult } from '../../lib/result'

/**
 * The one name resolver of every `customer_id` and `provider_id` parameter, in every tool: a
 * numeric id is used as it is (or checked, when the tool needs the record), a name or part of one
 * is looked up; one match is used and named in the answer, several answer with the candidates and
 * how to choose, none answers `found: false` with "did you mean" and what to try.
 */

/** Which kind of account a parameter names. */
export type AccountKind = 'customer' | 'carrier'

/** An account a parameter resolved to. */
export interface ResolvedAccount<T> {
  id: number
  /** Its name, when the resolver read it (always for a name; for an id only when it was checked). */
  name?: string
  /** The record, as the list or `customer/<id>` gave it (absent for an id taken as given). */
  record?: T
  by: MatchedBy
}

/** A resolved account, or the answer to give instead (ambiguous, or nothing matched). */
export type AccountLookup<T> = { ok: true, account: ResolvedAccount<T> } | { ok: false, answer: ToolResult }

/** How to resolve one parameter. */
export interface ResolveRequest {
  /** The parameter's name, e.g. `customer_id`, for the answer. */
  parameter: string
  /** The tool call to repeat with a candidate's id, for `next_steps`. */
  retry: { tool: string, args: Record<string, unknown> }
  /** Read the record behind an id too (a tool that shows it); otherwise an id is used as given, with no request. */
  checkId?: boolean
}

type Account = CustomerAccount | CarrierAccount

const WORDS: Record<AccountKind, { one: string, many: string, search: string }> = {
  customer: { one: 'customer', many: 'customers', search: 'searchCustomers' },
  carrier: { one: 'carrier', many: 'carriers', search: 'searchCarriers' }
}

/** Candidates listed, and next steps offered, when a name is ambiguous. */
const MAX_CANDIDATES = 10
const MAX_RETRIES = 3

function list (api: Connexcs, kind: AccountKind, name?: string): Promise<Account[]> {
  const filter = name === undefined ? {} : { name }
  return kind === 'customer' ? listCustomers(api, filter) : listCarriers(api, filter)
}

function byId (api: Connexcs, kind: AccountKind, id: number): Promise<Account | undefined> {
  return kind === 'customer' ? getCustomerAccount(api, id) : getCarrierAccount(api, id)
}

/** One line about an account: `Acme Telecom (105243, Active, USD)`. */
export function accountLabel (account: { id: number | string, name?: string, status?: string, currency?: string }): string {
  const facts = [String(account.id), account.status, account.currency].filter(f => f !== undefined && f !== '')
  return `${account.name ?? `#${account.id}`} (${facts.join(', ')})`
}

/** A candidate as answers list it. */
function candidate (account: Account): Record<string, unknown> {
  return {
    id: account.id,
    name: account.name ?? null,
    status: account.status ?? null,
    currency: account.currency ?? null,
    ...('credit' in account || 'debit_limit' in account ? { available: balanceOf(account).available } : {})
  }
}

function retries (request: ResolveRequest, accounts: readonly Named[]): NextStep[] {
  const args = request.retry.args as Record<string, string | number | boolean>
  return accounts.slice(0, MAX_RETRIES).map(a => nextStep(request.retry.tool, { ...args, [request.parameter]: Number(a.id) }, `If you meant ${a.name ?? a.id}.`))
}

/**
 * Resolves what the user gave for a customer or carrier: digits are an id; anything else a name,
 * matched by the API's name filter first (one request) and, when that finds nothing, against
 * the whole list for word matches and suggestions.
 */
export async function resolveAccount<K extends AccountKind> (
  api: Connexcs,
  kind: K,
  given: string,
  request: ResolveRequest
): Promise<AccountLookup<K extends 'customer' ? CustomerAccount : CarrierAccount>> {
  type T = K extends 'customer' ? CustomerAccount : CarrierAccount
  const words = WORDS[kind]
  const text = given.trim()
  if (/^\d+$/.test(text)) {
    const id = Number(text)
    if (request.checkId !== true) return { ok: true, account: { id, by: 'id' } }
    const record = await byId(api, kind, id)
    if (record !== undefined) return { ok: true, account: { id, ...(record.name === undefined ? {} : { name: record.name }), record: record as T, by: 'id' } }
    return { ok: false, answer: noMatch(kind, text, resolveName(text, await list(api, kind)), request) }
  }
  let resolution = resolveName(text, await list(api, kind, text))
  if (resolution.found === false) resolution = resolveName(text, await list(api, kind))
  if (resolution.found === true) {
    const record = resolution.match
    const named = record.name === undefined ? {} : { name: record.name }
    return { ok: true, account: { id: Number(record.id), ...named, record: record as T, by: resolution.by } }
  }
  if (resolution.found === 'ambiguous') {
    const shown = resolution.candidates.slice(0, MAX_CANDIDATES)
    return {
      ok: false,
      answer: {
        summary: `"${text}" matches ${resolution.total} ${words.many}: ${shown.map(accountLabel).join(', ')}${resolution.total > shown.length ? ', …' : ''}. ` +
          `Which one? Call again with ${request.parameter} set to its id or its full name.`,
        found: false,
        ambiguous: true,
        why: `${request.parameter} "${text}" is ${resolution.by === 'exact_name' ? 'the name of' : 'part of the names of'} several ${words.many}`,
        parameter: request.parameter,
        candidates: shown.map(candidate),
        ...(resolution.total > shown.length ? { candidates_total: resolution.total } : {}),
        next_steps: [...retries(request, shown), nextStep(words.search, { query: text }, `Every ${words.one} matching "${text}".`)]
      }
    }
  }
  return { ok: false, answer: noMatch(kind, text, resolution, request) }
}

function noMatch (kind: AccountKind, text: string, resolution: { found: false, suggestions: Account[], why: string } | { found: true | 'ambiguous' }, request: ResolveRequest): ToolResult {
  const words = WORDS[kind]
  const suggestions = resolution.found === false ? resolution.suggestions : []
  const why = resolution.found === false ? resolution.why : 'nothing matched'
  return {
    summary: `No ${words.one} matches "${text}".${suggestions.length === 0 ? '' : ` Did you mean ${suggestions.map(accountLabel).join(' or ')}?`}`,
    found: false,
    why: `${why}; ${request.parameter} takes a ${words.one}'s numeric id or its name (or part of it)`,
    parameter: request.parameter,
    suggestions: suggestions.map(candidate),
    next_steps: [
      ...retries(request, suggestions),
      nextStep(words.search, /^\d+$/.test(text) ? {} : { query: text.split(/\s+/)[0] }, `Find the ${words.one} by another part of its name, an IP or a SIP user.`)
    ]
  }
}

/** Resolved customer and carrier filters of a tool, or the answer to give instead. */
export type FilterLookup =
  | { ok: true, customer?: ResolvedAccount<CustomerAccount>, carrier?: ResolvedAccount<CarrierAccount> }
  | { ok: false, answer: ToolResult }

/**
 * The resolve step at the top of a handler: the `customer_id` and `provider_id` it was given (either
 * may be absent), resolved at once; the first that does not resolve gives the answer.
 */
export async function resolveFilters (
  api: Connexcs,
  given: { customer_id?: string | undefined, provider_id?: string | undefined },
  retry: ResolveRequest['retry'],
  checkId = false
): Promise<FilterLookup> {
  const [customer, carrier] = await Promise.all([
    given.customer_id === undefined ? undefined : resolveAccount(api, 'customer', given.customer_id, { parameter: 'customer_id', retry, checkId }),
    given.provider_id === undefined ? undefined : resolveAccount(api, 'carrier', given.provider_id, { parameter: 'provider_id', retry, checkId })
  ])
  if (customer?.ok === false) return customer
  if (carrier?.ok === false) return carrier
  return {
    ok: true,
    ...(customer === undefined ? {} : { customer: customer.account }),
    ...(carrier === undefined ? {} : { carrier: carrier.account })
  }
}

/** How an answer names a resolved account: `Acme Telecom (105243)`, or `105243` for an id taken as given. */
export function accountName (account: { id: number, name?: string }): string {
  return account.name === undefined ? String(account.id) : `${account.name} (${account.id})`
}
