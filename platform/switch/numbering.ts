import type { Currency, Destination } from './model'
import type { Random } from './random'

/**
 * The numbering plan: destinations with real-looking prefixes and indicative costs (see the
 * README's "The simulated switch"), and the longest-prefix match every rating uses.
 * Numbers use the ranges reserved for drama where they exist (UK 07700 900xxx, 020 7946 0xxx,
 * 0161 496 0xxx; NANP 555-01xx), and valid-format digits elsewhere.
 */

function d (name: string, prefixes: string[], cost: number, [mcd, pulse]: [number, number], weight: number, asr: number, pdd: number, numbers: [string, number][]): Destination {
  return { name, prefixes, cost_usd: cost, mcd, pulse, weight, asr, pdd_ms: pdd, numbers }
}

/** Every destination of the account. Traps: 4470 (personal numbers) is not UK mobile; 1876 is NANP but international. */
export const DESTINATIONS: Destination[] = [
  d('United Kingdom - Fixed', ['44', '441', '442'], 0.0040, [1, 1], 120, 0.56, 1500, [['441134960', 3], ['441174960', 3], ['441214960', 3]]),
  d('United Kingdom - London', ['4420'], 0.0035, [1, 1], 140, 0.55, 1400, [['442079460', 3]]),
  d('United Kingdom - Manchester', ['44161'], 0.0038, [1, 1], 40, 0.56, 1500, [['441614960', 3]]),
  d('United Kingdom - Non-Geographic', ['443'], 0.0060, [1, 1], 20, 0.52, 1600, [['443069990', 3]]),
  d('United Kingdom - Mobile', ['447'], 0.0090, [1, 1], 220, 0.52, 2200, [['447700900', 3]]),
  d('United Kingdom - Personal Numbering', ['4470'], 0.2800, [60, 60], 1, 0.30, 2500, [['447045', 6]]),
  d('Isle of Man - Mobile', ['447624'], 0.0950, [60, 60], 2, 0.45, 2600, [['447624', 6]]),
  d('USA', ['1'], 0.0045, [6, 6], 90, 0.50, 2000, [['121255501', 2], ['141555501', 2], ['131255501', 2], ['164655501', 2], ['170255501', 2]]),
  d('USA - Alaska', ['1907'], 0.0350, [6, 6], 2, 0.48, 2400, [['190755501', 2]]),
  d('USA - Hawaii', ['1808'], 0.0150, [6, 6], 3, 0.48, 2400, [['180855501', 2]]),
  d('Canada', ['1416', '1604', '1514'], 0.0055, [6, 6], 18, 0.52, 2000, [['141655501', 2], ['160455501', 2], ['151455501', 2]]),
  d('Jamaica', ['1876'], 0.1900, [60, 60], 4, 0.40, 3800, [['187655501', 2]]),
  d('Dominican Republic', ['1809', '1829', '1849'], 0.0850, [60, 60], 3, 0.42, 3600, [['180955501', 2], ['182955501', 2]]),
  d('Germany - Fixed', ['49'], 0.0055, [1, 1], 30, 0.55, 1900, [['4930', 8], ['4969', 8], ['4989', 8]]),
  d('Germany - Mobile', ['4915', '4916', '4917'], 0.0280, [1, 1], 30, 0.50, 2400, [['49151', 8], ['49160', 7], ['49171', 7]]),
  d('France - Fixed', ['33'], 0.0060, [1, 1], 20, 0.54, 1900, [['331', 8], ['334', 8]]),
  d('France - Mobile', ['336', '337'], 0.0250, [1, 1], 22, 0.50, 2300, [['336', 8], ['337', 8]]),
  d('Spain - Fixed', ['34'], 0.0050, [1, 1], 12, 0.54, 2000, [['3491', 7], ['3493', 7]]),
  d('Spain - Mobile', ['346', '347'], 0.0220, [1, 1], 14, 0.50, 2400, [['346', 8]]),
  d('Italy - Fixed', ['39'], 0.0060, [1, 1], 10, 0.53, 2100, [['3906', 8], ['3902', 8]]),
  d('Italy - Mobile', ['393'], 0.0260, [1, 1], 12, 0.49, 2500, [['393', 9]]),
  d('Netherlands - Fixed', ['31'], 0.0065, [1, 1], 8, 0.55, 1800, [['3120', 7]]),
  d('Netherlands - Mobile', ['316'], 0.0300, [1, 1], 9, 0.50, 2300, [['316', 8]]),
  d('Ireland - Fixed', ['353'], 0.0070, [1, 1], 10, 0.55, 1700, [['3531', 7]]),
  d('Ireland - Mobile', ['3538'], 0.0240, [1, 1], 12, 0.51, 2200, [['35385', 7], ['35387', 7]]),
  d('India - Fixed', ['91'], 0.0120, [1, 1], 15, 0.44, 4200, [['9111', 8], ['9122', 8]]),
  d('India - Mobile', ['916', '917', '918', '919'], 0.0095, [1, 1], 55, 0.46, 4500, [['919', 9], ['918', 9], ['917', 9]]),
  d('Pakistan - Fixed', ['92'], 0.0650, [60, 60], 8, 0.40, 5200, [['9221', 8], ['9242', 8]]),
  d('Pakistan - Mobile', ['923'], 0.0800, [60, 60], 25, 0.42, 5400, [['923', 9]]),
  d('Bangladesh - Fixed', ['880'], 0.0180, [60, 60], 4, 0.38, 5000, [['8802', 7]]),
  d('Bangladesh - Mobile', ['8801'], 0.0200, [60, 60], 14, 0.41, 5200, [['88017', 8], ['88019', 8]]),
  d('Philippines - Fixed', ['63'], 0.0600, [60, 60], 3, 0.40, 4800, [['632', 8]]),
  d('Philippines - Mobile', ['639'], 0.0900, [60, 60], 10, 0.42, 5000, [['639', 9]]),
  d('Nigeria - Fixed', ['234'], 0.0600, [60, 60], 3, 0.35, 5500, [['2341', 7]]),
  d('Nigeria - Mobile', ['23470', '23480', '23481', '23490'], 0.0700, [60, 60], 12, 0.38, 5800, [['23480', 8], ['23481', 8]]),
  d('Mexico', ['52'], 0.0090, [60, 60], 6, 0.45, 3500, [['5255', 8]]),
  d('Brazil', ['55'], 0.0180, [30, 6], 5, 0.44, 3800, [['55119', 8]]),
  d('China', ['86'], 0.0080, [1, 1], 6, 0.47, 4200, [['8610', 8], ['8621', 8]]),
  d('Australia - Fixed', ['61'], 0.0090, [1, 1], 5, 0.52, 3000, [['612', 8]]),
  d('Australia - Mobile', ['614'], 0.0200, [1, 1], 6, 0.50, 3200, [['614', 8]]),
  d('Russia', ['7'], 0.0600, [60, 60], 3, 0.42, 4500, [['7495', 7]]),
  d('UAE - Fixed', ['971'], 0.1100, [60, 60], 2, 0.44, 4200, [['9714', 7]]),
  d('UAE - Mobile', ['9715'], 0.1400, [60, 60], 4, 0.45, 4400, [['97150', 7]]),
  d('Cuba', ['53'], 0.6500, [60, 60], 0, 0.30, 7000, [['537', 6]]),
  d('Somalia', ['252'], 0.5500, [60, 60], 0, 0.30, 7000, [['2526', 7]]),
  d('Inmarsat', ['870'], 4.5000, [60, 60], 0, 0.30, 6000, [['870', 9]])
]

/** The destination called `name` (throws for a name not in the plan: a bug in the generator). */
export function destination (name: string): Destination {
  const found = DESTINATIONS.find(dest => dest.name === name)
  if (found === undefined) throw new Error(`numbering: no destination "${name}"`)
  return found
}

/** A number of the destination. */
export function numberFor (dest: Destination, random: Random): string {
  const [start, digits] = random.pick(dest.numbers)
  let out = start
  for (let i = 0; i < digits; i++) out += String(random.int(0, 9))
  return out
}

interface TrieNode<T> {
  value?: T
  prefix?: string
  next?: Map<string, TrieNode<T>>
}

/** A lookup by longest matching prefix, as rating and routing do (a digit trie: no allocation per lookup). */
export class PrefixTable<T> {
  private readonly root: TrieNode<T> = {}

  constructor (entries: Iterable<[string, T]>) {
    for (const [prefix, value] of entries) {
      let node = this.root
      for (const digit of prefix) {
        node.next ??= new Map()
        let child = node.next.get(digit)
        if (child === undefined) node.next.set(digit, (child = {}))
        node = child
      }
      node.value = value
      node.prefix = prefix
    }
  }

  /** The value of the longest prefix of `number`, and that prefix. */
  match (number: string): { prefix: string, value: T } | undefined {
    let node: TrieNode<T> | undefined = this.root
    let found: TrieNode<T> | undefined
    for (let i = 0; i < number.length && node !== undefined; i++) {
      node = node.next?.get(number[i]!)
      if (node?.value !== undefined) found = node
    }
    return found === undefined ? undefined : { prefix: found.prefix!, value: found.value! }
  }
}

/** US dollars per unit of each currency (fixed rates, so charges are reproducible). */
const USD_PER: Record<Currency, number> = { USD: 1, GBP: 1.27, EUR: 1.09 }

/** `amount` in `from` expressed in `to`. */
export function convert (amount: number, from: Currency, to: Currency): number {
  return amount * USD_PER[from] / USD_PER[to]
}

/** Rounds to `places` decimals (money and rates). */
export function round (value: number, places: number): number {
  const f = 10 ** places
  return Math.round(value * f) / f
}

/** Billed seconds for a talk time under `mcd`/`pulse` (0 when not answered). */
export function billedSeconds (seconds: number, mcd: number, pulse: number): number {
  if (seconds <= 0) return 0
  if (seconds <= mcd) return mcd
  return mcd + Math.ceil((seconds - mcd) / pulse) * pulse
}
