/**
 * What the period's dialled numbers say per customer: the same formatting mistake again and again
 * (a dial plan at fault, not a typo), and numbers dialled in sequence (a dialler walking a range).
 */
import { countryCodeOf, normaliseNumber, numberProblems } from '../numbers'
import { count, isoSeconds, type AccountFinding, type CallRecord } from './types'

/**
 * National significant number lengths of plans that are closed (every number has one of these
 * lengths), from the ITU-T E.164 national plans. Countries with open plans (Germany, Italy,
 * Austria…) are left out: a length proves nothing there.
 */
const CLOSED_PLANS: Readonly<Record<string, readonly number[]>> = {
  1: [10], 7: [10], 30: [10], 31: [9], 32: [8, 9], 33: [9], 34: [9], 351: [9], 353: [7, 8, 9], 44: [9, 10], 45: [8], 47: [8],
  48: [9], 52: [10], 55: [10, 11], 61: [9], 63: [8, 9, 10], 86: [10, 11], 90: [10], 91: [10], 92: [9, 10], 234: [8, 10], 966: [9], 971: [8, 9]
}

/** A mistake a detector counts: the ones numbers.ts finds, and a length the country's closed plan never has. */
type Mistake = 'duplicated_country_code' | 'duplicated_international_prefix' | 'trunk_prefix_left' | 'too_long' | 'not_digits' | 'wrong_length'

const MISTAKE_TEXT: Record<Mistake, string> = {
  duplicated_country_code: 'the country code dialled twice',
  duplicated_international_prefix: 'the international prefix dialled twice',
  trunk_prefix_left: 'the national 0 kept after the country code',
  too_long: 'more than 15 digits',
  not_digits: 'characters other than digits',
  wrong_length: 'a length the country\'s numbering plan does not have'
}

const MISTAKE_ACTION: Record<Mistake, string> = {
  duplicated_country_code: 'Fix the customer\'s dial plan so it adds the country code only to national numbers (or strip the repeated code on its routing); the numbers are valid once.',
  duplicated_international_prefix: 'Fix the customer\'s dial plan so numbers are sent once in international form (E.164), or strip the repeated prefix on its routing.',
  trunk_prefix_left: 'Fix the customer\'s dial plan to drop the national 0 when it adds the country code (or strip it on its routing); the numbers are valid without it.',
  too_long: 'Check what the customer\'s PBX adds to numbers (a tech prefix or a prefix twice) and normalise to E.164 on its routing.',
  not_digits: 'Normalise the numbers on the customer\'s routing (digits only, E.164).',
  wrong_length: 'Check the customer\'s dial plan: digits are lost or added (overlap dialling, a prefix cut short); numbers of that country have a fixed length.'
}

/** The mistakes of one number, at most one of each kind. */
export function numberMistakes (dialled: string): { kind: Mistake, detail: string, corrected?: string }[] {
  const found: { kind: Mistake, detail: string, corrected?: string }[] = numberProblems(dialled)
  if (found.length > 0) return found
  const n = normaliseNumber(dialled)
  const cc = n.country_code ?? (n.e164 === null ? undefined : countryCodeOf(n.digits))
  const lengths = cc === undefined ? undefined : CLOSED_PLANS[cc]
  if (cc !== undefined && lengths !== undefined && !lengths.includes(n.digits.length - cc.length)) {
    return [{ kind: 'wrong_length', detail: `${n.digits.length - cc.length} digits after the country code ${cc}; its numbers have ${lengths.join(' or ')}` }]
  }
  return []
}

/** Options of {@link detectMalformedNumbers}. */
export interface MalformedNumberOptions {
  /** Numbers of one customer with the same mistake before it is a dial plan (default 3). */
  minCount?: number
}

/**
 * Dial-prefix duplication and other malformed numbers, counted per customer and kind of mistake,
 * over whatever records the caller has (call-log attempts see failed calls too; the CDR only the
 * answered ones). Unidentified callers (customer 0) are left out.
 */
export function detectMalformedNumbers (records: readonly CallRecord[], options: MalformedNumberOptions = {}): AccountFinding[] {
  const min = options.minCount ?? 3
  const groups = new Map<string, { calls: CallRecord[], numbers: Map<string, string | undefined>, detail: string, totals: number }>()
  const perCustomer = new Map<number, number>()
  for (const r of records) {
    if (r.customer_id === null || r.customer_id === 0) continue
    perCustomer.set(r.customer_id, (perCustomer.get(r.customer_id) ?? 0) + 1)
    for (const m of numberMistakes(r.dest_number)) {
      const key = `${r.customer_id}|${m.kind}`
      const g = groups.get(key) ?? { calls: [], numbers: new Map<string, string | undefined>(), detail: m.detail, totals: 0 }
      g.calls.push(r)
      g.numbers.set(r.dest_number, m.corrected)
      groups.set(key, g)
    }
  }
  const out: AccountFinding[] = []
  for (const [key, g] of groups) {
    if (g.calls.length < min) continue
    const [customer, kind] = key.split('|') as [string, Mistake]
    const sorted = g.calls.toSorted((a, b) => a.time - b.time)
    const answered = g.calls.filter(c => c.sip_code >= 200 && c.sip_code < 300).length
    const numbers = [...g.numbers].slice(0, 3)
    const example = sorted.at(-1)!.callid
    out.push({
      code: 'malformed_numbers',
      severity: answered === g.calls.length ? 'info' : 'warning',
      title: `Customer ${customer}: ${count(g.calls.length, 'call')} to numbers with ${MISTAKE_TEXT[kind]} (e.g. ${numbers[0]![0]}), ${answered} answered`,
      meaning: `The same mistake in ${count(g.calls.length, 'number')} of one customer: its PBX or dial plan builds numbers wrongly. Routes and rates are matched by the longest prefix, so such numbers are rated as the wrong destination, reach no route, or reach an unallocated range (404, 484).`,
      action: MISTAKE_ACTION[kind],
      threshold: `${min} or more numbers of one customer with the same mistake in the period: one is a typo, ${min} is a dial plan.`,
      subject: { customer_id: Number(customer) },
      evidence: {
        count: g.calls.length,
        kind,
        answered,
        customer_calls: perCustomer.get(Number(customer)) ?? 0,
        numbers: numbers.map(([n]) => n),
        corrected: numbers.map(([, c]) => c).filter((c): c is string => c !== undefined),
        detail: g.detail
      },
      ...(typeof example === 'string' ? { example_callid: example } : {})
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}

/** Options of {@link detectSequentialNumbers}. */
export interface SequentialOptions {
  /** Calls in a run before it is a range being walked (default 8). */
  minRun?: number
  /** The largest gap between consecutive numbers of a run: CDR-only records miss the unanswered ones (default 10). */
  maxStep?: number
}

/**
 * Numbers dialled in sequence: per customer and number block (all but the last 4 digits), in
 * time order, runs where each number is 1 to `maxStep` above the one before. People never dial
 * like that; at random, 7 such steps in a row almost never happen (each about 1 in 100 even
 * within one thousand-number range).
 */
export function detectSequentialNumbers (records: readonly CallRecord[], options: SequentialOptions = {}): AccountFinding[] {
  const minRun = options.minRun ?? 8
  const maxStep = options.maxStep ?? 10
  const blocks = new Map<string, CallRecord[]>()
  for (const r of records) {
    if (r.customer_id === null || r.customer_id === 0) continue
    const digits = r.dest_number.replace(/\D/g, '')
    if (digits.length < 7) continue
    const key = `${r.customer_id}|${digits.length}|${digits.slice(0, -4)}`
    blocks.set(key, [...(blocks.get(key) ?? []), r])
  }
  const out: AccountFinding[] = []
  for (const [key, calls] of blocks) {
    if (calls.length < minRun) continue
    const customer = Number(key.split('|')[0])
    const sorted = calls.toSorted((a, b) => a.time - b.time || Number(a.dest_number.replace(/\D/g, '').slice(-4)) - Number(b.dest_number.replace(/\D/g, '').slice(-4)))
    const tail = (r: CallRecord): number => Number(r.dest_number.replace(/\D/g, '').slice(-4))
    let run: CallRecord[] = [sorted[0]!]
    const runs: CallRecord[][] = []
    for (const r of sorted.slice(1)) {
      const step = tail(r) - tail(run.at(-1)!)
      if (step >= 1 && step <= maxStep) run.push(r)
      else {
        if (run.length >= minRun) runs.push(run)
        run = [r]
      }
    }
    if (run.length >= minRun) runs.push(run)
    for (const found of runs) {
      const first = found[0]!
      const last = found.at(-1)!
      const answered = found.filter(c => c.sip_code >= 200 && c.sip_code < 300).length
      const example = last.callid
      out.push({
        code: 'sequential_numbers',
        severity: 'warning',
        title: `Customer ${customer}: ${count(found.length, 'call')} to consecutive numbers ${first.dest_number} to ${last.dest_number} in ${Math.round((last.time - first.time) / 60)} min, ${answered} answered`,
        meaning: 'The numbers go up one by one in the order they were dialled: a dialler walking a number range, to harvest live numbers or to test routes before fraud. People do not call like that.',
        action: 'Ask the customer what is running on its account; limit its calls per second or its channels, and block it if it cannot say. Check the numbers\' destination for fraud risk.',
        threshold: `${minRun} or more calls in a row, each to a number 1 to ${maxStep} above the one before (gaps allow for unanswered calls missing from the CDR): by chance a step that small happens about once in a hundred calls, so ${minRun - 1} in a row does not.`,
        subject: { customer_id: customer, prefix: first.dest_number.replace(/\D/g, '').slice(0, -4) },
        evidence: { count: found.length, first: first.dest_number, last: last.dest_number, answered, seconds: Math.round(last.time - first.time) },
        ...(typeof example === 'string' ? { example_callid: example } : {}),
        window: { start: isoSeconds(first.time), end: isoSeconds(last.time) }
      })
    }
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}
