import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { looksCut } from '../../src/connexcs/docs'
import { bundleClient, testSwitch } from '../helpers/platform'

/**
 * The account and documentation tools with one source failing, through the bundle in QuickJS
 * (issue 13: a failure never reads as an answer). These are the cells the fault matrix does not
 * try (its arguments are each tool's self-test's): each answer is a typed tool error, or a partial
 * answer whose first sentence names what could not be read, with the failure under `unread`.
 */

const sw = testSwitch()
const { data } = sw
const RETRY_AFTER_S = 30

type Fault = 500 | 429 | 'malformed'

/** The switch, with the requests `fails` picks answered by `fault` (as the platform server injects it). */
function faulting (fails: (request: ApiRequest) => boolean, fault: Fault = 500, sent: ApiRequest[] = []): ApiBackend {
  return async request => {
    sent.push(request)
    if (!fails(request)) return sw.api(request)
    if (fault === 500) return { status: 500, statusText: 'Internal Server Error', body: '{"error":"database down"}' }
    if (fault === 429) return { status: 429, statusText: 'Too Many Requests', body: '{"error":"slow down"}', retryAfter: String(RETRY_AFTER_S) }
    const reply = await sw.api(request)
    return { ...reply, body: `${reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2)))}<<truncated` }
  }
}

const pathOf = (request: ApiRequest): string => request.path.split('?')[0]!
const firstSentence = (text: string): string => text.split(/(?<=[.!?])\s+/)[0] ?? ''

async function call (backend: ApiBackend, tool: string, args: Record<string, unknown>) {
  const { result, isError } = await bundleClient(backend).callTool(tool, args)
  expect(JSON.stringify(result).length).toBeLessThan(HARD_CAP_BYTES)
  return { result, isError }
}

const retail = data.cards.find(c => c.name === 'Retail A-Z')!
const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
const adam = data.customers.find(c => c.name === 'Adam Communications')!

describe('lookupRate and getRateCard with a card\'s rules failing', () => {
  it('lookupRate {number, card_id}: the sell card\'s rules failing is the tool error, typed, with the Retry-After', async () => {
    const rules = (r: ApiRequest): boolean => /^card\/[^/]+\/rev\/[^/]+\/rule$/.test(pathOf(r))
    const failed = await call(faulting(rules), 'lookupRate', { number: '447700900123', card_id: retail.id })
    expect([failed.isError, failed.result.error.type, failed.result.error.status]).toEqual([true, 'upstream', 500])
    const limited = await call(faulting(rules, 429), 'lookupRate', { number: '447700900123', card_id: retail.id })
    expect([limited.isError, limited.result.error.type, limited.result.error.retry_after_s]).toEqual([true, 'rate_limited', RETRY_AFTER_S])
  })

  it('lookupRate: a carrier card failing leaves a price, led by what could not be read, the Retry-After kept', async () => {
    const broken = retail.parents[0]!
    const { result, isError } = await call(faulting(r => pathOf(r).startsWith(`card/${broken}/rev/`), 429), 'lookupRate', { number: '447700900123', card_id: retail.id })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe(`Could not read carrier card ${broken} (its carrier is left out) (rate limited, retry after ${RETRY_AFTER_S} s), so this answer may be incomplete.`)
    expect(result.unread).toEqual([expect.objectContaining({ source: `carrier card ${broken} (its carrier is left out)`, type: 'rate_limited', status: 429, retry_after_s: RETRY_AFTER_S })])
    expect(result.numbers[0].sell.card_id).toBe(retail.id)
    expect(result.numbers[0].carriers.map((c: any) => c.card_id)).not.toContain(broken)
  })

  it('lookupRate: every carrier card failing is one source, named with the first few cards', async () => {
    const parents = new Set(retail.parents)
    const { result, isError } = await call(faulting(r => parents.has(pathOf(r).split('/')[1]!) && pathOf(r).includes('/rev/')), 'lookupRate', { number: '447700900123', card_id: retail.id })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe(`Could not read ${parents.size} carrier cards (${retail.parents.slice(0, 3).join(', ')}, …; their carriers are left out) (HTTP 500), ` +
      'so this answer may be incomplete.')
    expect([result.unread.length, result.numbers[0].carriers.length, result.numbers[0].sell.card_id]).toEqual([1, 0, retail.id])
  })

  it('lookupRate: the carrier list failing leaves the carriers unnamed, and says so; a number with no rule does not depend on it', async () => {
    const carriers = (r: ApiRequest): boolean => pathOf(r) === 'carrier'
    const { result, isError } = await call(faulting(carriers), 'lookupRate', { number: '447700900123', card_id: retail.id })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe('Could not read the carrier list (carrier names) (HTTP 500), so this answer may be incomplete.')
    expect(result.numbers[0].carriers.length).toBeGreaterThan(0)
    expect(result.numbers[0].carriers.every((c: any) => c.carrier === null && c.provider_id === null)).toBe(true)
    const none = await call(faulting(carriers), 'lookupRate', { number: '5511987654321', card_id: 'Call Centre UK' })
    expect([none.isError, none.result.found, none.result.partial]).toEqual([false, false, undefined])
  })

  it('getRateCard: its rules failing is the tool error, typed, with the Retry-After', async () => {
    const rules = (r: ApiRequest): boolean => pathOf(r).startsWith(`card/${retail.id}/rev/`)
    const failed = await call(faulting(rules), 'getRateCard', { card_id: retail.id })
    expect([failed.isError, failed.result.error.type, failed.result.error.status]).toEqual([true, 'upstream', 500])
    const limited = await call(faulting(rules, 429), 'getRateCard', { card_id: 'Retail A-Z', prefix: '447' })
    expect([limited.isError, limited.result.error.type, limited.result.error.retry_after_s]).toEqual([true, 'rate_limited', RETRY_AFTER_S])
    const malformed = await call(faulting(rules, 'malformed'), 'getRateCard', { card_id: retail.id })
    expect([malformed.isError, malformed.result.error.type]).toEqual([true, 'upstream'])
    expect(malformed.result.error.message).toMatch(/^The ConnexCS API returned invalid JSON for GET card\/[^ ]+\/rev\/\d+\/rule /)
  })
})

describe('searchCustomers and searchCarriers with a lookup failing', () => {
  it('an IP whose owner cannot be named: the owner by id, led by the failed customer list', async () => {
    const owner = data.switchIps.find(r => r.company_id === adam.id)!
    const { result, isError } = await call(faulting(r => pathOf(r) === 'customer'), 'searchCustomers', { query: owner.ip })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe('Could not read the customer list (names, status and balance) (HTTP 500), so this answer may be incomplete.')
    expect(result.customers).toEqual([{ id: adam.id, name: null, status: null, currency: null, available: null, can_call: null, matched: `IP ${owner.ip}` }])
  })

  it('the SIP users, the IPs or the name list failing is the tool error: no match is "no customer"', async () => {
    const user = data.switchUsers[0]!
    for (const [query, path] of [[user.username, 'switch/user'], ['203.0.113.10', 'switch/ip'], ['Adam', 'customer']] as const) {
      const { result, isError } = await call(faulting(r => pathOf(r) === path), 'searchCustomers', { query, search_type: path === 'switch/user' ? 'sip_user' : 'auto' })
      expect([query, isError, result.error?.type, result.error?.status]).toEqual([query, true, 'upstream', 500])
    }
    // A name that matches no customer is tried as a SIP user: that failing is not "nothing found" either.
    const unknown = await call(faulting(r => pathOf(r) === 'switch/user', 429), 'searchCustomers', { query: 'zzqx' })
    expect([unknown.isError, unknown.result.error.type, unknown.result.error.retry_after_s]).toEqual([true, 'rate_limited', RETRY_AFTER_S])
  })

  it('one carrier found whose card cannot be read: the carrier, led by the failed card', async () => {
    const { result, isError } = await call(faulting(r => pathOf(r) === `card/${harbor.card_id}`), 'searchCarriers', { query: 'harbor' })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe(`Could not read its rate card ${harbor.card_id} (HTTP 500), so this answer may be incomplete.`)
    expect(result.carriers.map((c: any) => c.id)).toEqual([harbor.id])
    expect([result.card, result.card_unavailable, result.unread[0].status]).toEqual([undefined, undefined, 500])
    const listFails = await call(faulting(r => pathOf(r) === 'carrier', 429), 'searchCarriers', { query: 'harbor' })
    expect([listFails.isError, listFails.result.error.type, listFails.result.error.retry_after_s]).toEqual([true, 'rate_limited', RETRY_AFTER_S])
  })
})

describe('the documentation tools with their source failing', () => {
  it('searchDocumentation: every search failing is the tool error; one word\'s search failing leaves the rest, said first', async () => {
    const docs = (r: ApiRequest): boolean => pathOf(r) === 'docs'
    for (const [fault, type] of [[500, 'upstream'], [429, 'rate_limited'], ['malformed', 'upstream']] as const) {
      const { result, isError } = await call(faulting(docs, fault), 'searchDocumentation', { query: 'NAT one-way audio' })
      expect([fault, isError, result.error.type]).toEqual([fault, true, type])
    }
    const sent: ApiRequest[] = []
    const oneWord = await call(faulting(r => r.path === 'docs?s=audio', 500, sent), 'searchDocumentation', { query: 'NAT one-way audio' })
    expect(sent.filter(docs).map(r => decodeURIComponent(r.path.slice('docs?s='.length)))).toEqual(['NAT one-way audio', 'audio', 'nat', 'one', 'way'])
    expect(oneWord.isError).toBe(false)
    expect(firstSentence(oneWord.result.summary)).toBe('Could not read the search for "audio" (HTTP 500), so this answer may be incomplete.')
    // What the other searches found: pages of the healthy answer, none made up.
    const healthy = await call(sw.api, 'searchDocumentation', { query: 'NAT one-way audio', limit: 25 })
    expect(oneWord.result.results.length).toBeGreaterThan(0)
    expect(oneWord.result.total).toBeLessThanOrEqual(healthy.result.total)
    expect(healthy.result.results.map((r: any) => r.path)).toEqual(expect.arrayContaining(oneWord.result.results.map((r: any) => r.path)))
  })

  it('getDocumentation: a page cut off in transit is given as cut, not as the whole page; a missing section in it is the failure', async () => {
    const page = (r: ApiRequest): boolean => pathOf(r) === 'docs/customer/did'
    const { result, isError } = await call(faulting(page, 'malformed'), 'getDocumentation', { path: 'customer/did' })
    expect(isError).toBe(false)
    expect(result.summary).toMatch(/^Could not read the whole page \(cut off mid-line\), so this answer may be incomplete\. "DIDs" \(customer\/did\): \d+ characters, cut off mid-line; the whole page is at public_url\.$/)
    expect([result.complete, result.partial, result.unread[0].type]).toEqual([false, true, 'upstream'])
    const section = await call(faulting(page, 'malformed'), 'getDocumentation', { path: 'customer/did', section: 'more-about-dids' })
    expect([section.isError, section.result.error.type]).toEqual([true, 'upstream'])
    expect(section.result.error.message).toMatch(/^GET docs\/customer\/did answered a text that stops mid-line/)
    // The same page whole is the whole page.
    const healthy = await call(sw.api, 'getDocumentation', { path: 'customer/did', section: 'more-about-dids' })
    expect([healthy.isError, healthy.result.partial, healthy.result.section.id]).toEqual([false, undefined, 'more-about-dids'])
  })

  it('resources/read of a page cut off in transit says so before the text', async () => {
    const page = (r: ApiRequest): boolean => pathOf(r) === 'docs/customer/did'
    const read = async (backend: ApiBackend): Promise<string> =>
      (await bundleClient(backend).rpc('resources/read', { uri: 'connexcs-docs://customer/did' })).result.contents[0].text
    const cut = await read(faulting(page, 'malformed'))
    const whole = await read(sw.api)
    expect(cut.split('\n')[0]).toBe('> This page\'s text stops mid-line: it may be cut off; the whole page: https://docs.connexcs.com/customer/did/')
    expect(whole.startsWith('>')).toBe(false)
    expect(whole.startsWith(cut.split('\n\n').slice(1).join('\n\n').slice(0, 100))).toBe(true)
  })

  it('getDocumentation: a missing page whose suggestions\' search failed is still missing, and says the search failed', async () => {
    const { result, isError } = await call(faulting(r => pathOf(r) === 'docs'), 'getDocumentation', { path: 'customer/dids' })
    expect([isError, result.found]).toEqual([false, false])
    expect(result.closest[0]).toBe('customer/did')
    expect(result.why).toMatch(/ The closest paths are from the known pages only: a search failed \(The ConnexCS API \(GET docs\) failed \(HTTP 500\)/)
  })

  it('tells a page cut mid-line from a whole one', () => {
    expect(['# DIDs\n\nA DID is a number.\n', '# T\n\n- [Billing](did/billing)', '| a | b |', '# T\n\nEnds here.', '```', ''].map(looksCut)).toEqual([false, false, false, false, false, false])
    expect(['# DIDs\n\nA DID is an inbound num', '# T\n\n## What a DID holds\n- the number, in internati<<truncated'].map(looksCut)).toEqual([true, true])
  })
})

describe('getCustomer and getProfitability with a part rate limited', () => {
  it('getCustomer: the payments rate limited leave the account, led by the failure, with the Retry-After', async () => {
    const { result, isError } = await call(faulting(r => pathOf(r) === 'payment', 429), 'getCustomer', { customer_id: adam.id })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe(`Could not read the payments (rate limited, retry after ${RETRY_AFTER_S} s), so this answer may be incomplete.`)
    expect(result.unread).toEqual([expect.objectContaining({ source: 'the payments', type: 'rate_limited', retry_after_s: RETRY_AFTER_S })])
    expect(result.balance.available).toBe(Math.round((adam.credit + adam.debit_limit) * 100) / 100)
  })

  it('getCustomer: several parts failing are named in one sentence, in order', async () => {
    const { result } = await call(faulting(r => ['package', 'switch/user', 'switch/ip'].includes(pathOf(r))), 'getCustomer', { customer_id: adam.id })
    expect(firstSentence(result.summary)).toBe('Could not read the packages (HTTP 500), the SIP users (HTTP 500) or the authorised IPs (HTTP 500), so this answer may be incomplete.')
    expect(result.summary).toContain(', packages unknown, ')
  })

  it('getProfitability: the account currency and the names failing leave the figures, led by both failures', async () => {
    const { result, isError } = await call(faulting(r => ['setup/account', 'customer'].includes(pathOf(r))), 'getProfitability', { start_date: '2026-11-17', end_date: '2026-11-24' })
    expect(isError).toBe(false)
    expect(firstSentence(result.summary)).toBe('Could not read the account\'s currency (setup/account) (HTTP 500) or the customer names (HTTP 500), so this answer may be incomplete.')
    expect(result.groups.every((g: any) => g.name === (g.customer_id === 0 ? 'no customer (unknown callers)' : `customer ${g.customer_id}`))).toBe(true)
  })
})
