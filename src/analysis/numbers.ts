/**
 * Dialled numbers: normalising what arrives on the wire (`+44…`, `0044…`, `011 44…`,
 * `7001#44…`, a SIP URI), spotting the classic formatting mistakes, and longest-prefix match.
 */

// E.164 country calling codes (ITU-T, as assigned); the set is prefix-free, so at most one matches.
const COUNTRY_CODES = new Set((
  '1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 ' +
  '211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 ' +
  '250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 ' +
  '350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 ' +
  '500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 ' +
  '670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 ' +
  '800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 ' +
  '960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 996 998'
).split(' '))

/**
 * Numbering plans: the national significant number (after the country code) each country's
 * numbers have, as leading digits and length (ITU-T E.164 national plans, simplified to what a
 * wrong prefix shows against). A country without a plan here gets no verdict. Kept as one string
 * and compiled on first use: building forty regular expressions at load would cost every request.
 */
const PLANS = (
  '1 [2-9]\\d{2}[2-9]\\d{6};7 [3489]\\d{9};20 (?:1[0125]\\d{8}|[2-9]\\d{7,8});27 [1-8]\\d{8};30 [2-9]\\d{9};31 [1-9]\\d{8};' +
  '32 [1-9]\\d{7,8};33 [1-9]\\d{8};34 [5-9]\\d{8};39 (?:0\\d{5,10}|3\\d{8,9}|8\\d{5,8});41 [1-9]\\d{8};43 [1-9]\\d{3,12};' +
  '44 (?:[1235789]\\d{9}|1\\d{8});45 [2-9]\\d{7};46 [1-9]\\d{6,9};47 [2-9]\\d{7};48 [1-9]\\d{8};49 [1-9]\\d{5,12};' +
  '52 [1-9]\\d{9};55 [1-9]{2}(?:9\\d{8}|[2-5]\\d{7});61 [2-478]\\d{8};62 [1-9]\\d{7,11};63 [2-9]\\d{7,9};81 [1-9]\\d{8,9};' +
  '86 (?:1\\d{10}|[2-9]\\d{9,10});90 [2-5]\\d{9};91 [1-9]\\d{9};92 [1-9]\\d{8,9};98 [1-9]\\d{9};234 [1-9]\\d{7,9};' +
  '351 [2-9]\\d{8};353 [1-9]\\d{6,8};358 [1-9]\\d{4,11};880 [1-9]\\d{7,9};966 [1-9]\\d{7,8};971 [1-9]\\d{7,8};972 [2-9]\\d{7,8}'
)

let plans: Map<string, RegExp> | undefined

/** Whether a national significant number fits its country's plan; `undefined` when we have no plan. */
export function fitsPlan (cc: string, nsn: string): boolean | undefined {
  plans ??= new Map(PLANS.split(';').map(entry => {
    const [code, pattern] = entry.split(' ') as [string, string]
    return [code, new RegExp(`^(?:${pattern})$`)]
  }))
  return plans.get(cc)?.test(nsn)
}

/** A dialled number taken apart. */
export interface NormalisedNumber {
  /** What was given. */
  input: string
  /** The digits after the tech prefix and one international prefix. */
  digits: string
  /** `+<digits>` when the number is in international form (E.164), else `null`. */
  e164: string | null
  /** A ConnexCS-style tech prefix (`7001` of `7001#44…`), if there was one. */
  tech_prefix: string | null
  /** The international prefix that was dialled (`+`, `00`, `011`), if any. */
  international_prefix: '+' | '00' | '011' | null
  /** The country code the digits start with, when they are in international form. */
  country_code: string | null
}

/** The country calling code a string of international digits starts with. */
export function countryCodeOf (digits: string): string | undefined {
  for (let len = 1; len <= 3; len++) if (COUNTRY_CODES.has(digits.slice(0, len))) return digits.slice(0, len)
  return undefined
}

/** The user part of a SIP or tel URI, or the text itself; `%23` and `%2B` decoded. */
function userPart (raw: string): string {
  let text = raw.trim()
  const uri = /^(?:sips?|tel):([^@;?>]*)/i.exec(text.replace(/^.*?</, ''))
  if (uri !== null) text = uri[1]!
  return text.replace(/%23/gi, '#').replace(/%2b/gi, '+')
}

/**
 * Normalises a dialled number. Digits without an international prefix and starting with a
 * country code are taken as international (Class 4 traffic is E.164 without the `+`); a
 * number starting with 0 (and not 00) is national and has no E.164 form here.
 *
 * @param options.techPrefixes tech prefixes that come without `#` and must be stripped too.
 */
export function normaliseNumber (input: string, options: { techPrefixes?: readonly string[] } = {}): NormalisedNumber {
  let text = userPart(input)
  let techPrefix: string | null = null
  const hash = /^([0-9A-Za-z*]{1,16})#(.*)$/.exec(text)
  if (hash !== null) {
    techPrefix = hash[1]!
    text = hash[2]!
  }
  text = text.replace(/[\s\-.()/]/g, '')
  if (techPrefix === null) {
    const known = (options.techPrefixes ?? []).filter(p => p !== '' && text.startsWith(p)).sort((a, b) => b.length - a.length)[0]
    if (known !== undefined) {
      techPrefix = known
      text = text.slice(known.length)
    }
  }
  let prefix: NormalisedNumber['international_prefix'] = null
  if (text.startsWith('+')) prefix = '+'
  else if (text.startsWith('00')) prefix = '00'
  else if (text.startsWith('011')) prefix = '011'
  const digits = text.slice(prefix === null ? 0 : prefix.length).replace(/[^0-9]/g, '')
  const international = prefix !== null || (!digits.startsWith('0') && countryCodeOf(digits) !== undefined)
  const cc = international ? countryCodeOf(digits) ?? null : null
  return {
    input,
    digits,
    e164: international && digits !== '' ? `+${digits}` : null,
    tech_prefix: techPrefix,
    international_prefix: prefix,
    country_code: cc
  }
}

/** A formatting mistake in a dialled number. */
export interface NumberProblem {
  kind: 'duplicated_country_code' | 'duplicated_international_prefix' | 'trunk_prefix_left' | 'too_long' | 'not_digits'
  /** Plain-language description, with the digits. */
  detail: string
  /** The number as it was probably meant (E.164 without `+`), when that is clear. */
  corrected?: string
}

/**
 * Finds the classic mistakes in a dialled number: the country code twice (`4444…`), an
 * international prefix twice or left in after another (`+0044…`, `00 00 44…`), the national 0
 * left in after the country code (`44 07…`), more than 15 digits, or letters. The country code
 * twice and the national 0 are claimed only on the evidence of the country's numbering plan: the
 * number fails it and the corrected number passes it (a few countries have numbers that really
 * start with their own code, Italy keeps its 0, and an extension or short code is no mistake);
 * more than 15 digits prove a country code twice too.
 */
export function numberProblems (input: string, options: { techPrefixes?: readonly string[] } = {}): NumberProblem[] {
  const problems: NumberProblem[] = []
  const n = normaliseNumber(input, options)
  const afterTech = userPart(input).replace(/^[0-9A-Za-z*]{1,16}#/, '').replace(/[\s\-.()/]/g, '')
  if (/[^0-9+*#]/.test(afterTech)) problems.push({ kind: 'not_digits', detail: `"${afterTech}" has characters other than digits` })

  let digits = n.digits
  if (n.international_prefix !== null && /^(00|011|\+)/.test(afterTech.slice(n.international_prefix.length))) {
    const rest = afterTech.slice(n.international_prefix.length).replace(/^(\+|00|011)/, '').replace(/[^0-9]/g, '')
    problems.push({ kind: 'duplicated_international_prefix', detail: `the international prefix is there twice ("${afterTech.slice(0, n.international_prefix.length + 3)}…")`, corrected: rest })
    digits = rest
  }
  const cc = n.international_prefix !== null || !digits.startsWith('0') ? countryCodeOf(digits) : undefined
  if (cc !== undefined) {
    const nsn = digits.slice(cc.length)
    if (nsn.startsWith(cc)) {
      const once = nsn
      if (digits.length > 15 || (fitsPlan(cc, nsn) === false && fitsPlan(cc, once.slice(cc.length)) === true)) {
        problems.push({ kind: 'duplicated_country_code', detail: `the country code ${cc} is there twice (${cc} ${cc} ${once.slice(cc.length)})`, corrected: once })
        digits = once
      }
    }
    const national = digits.slice(cc.length)
    const stripped = national.replace(/^0+/, '')
    if (national.startsWith('0') && fitsPlan(cc, national) === false && fitsPlan(cc, stripped) === true) {
      problems.push({ kind: 'trunk_prefix_left', detail: `the national 0 is left in after the country code ${cc} (${cc} ${national})`, corrected: cc + stripped })
    }
  }
  if (digits.length > 15 && !problems.some(p => p.kind === 'duplicated_country_code')) {
    problems.push({ kind: 'too_long', detail: `${digits.length} digits: E.164 numbers have at most 15` })
  }
  return problems
}

/**
 * Longest-prefix match, built once for many look-ups (a rate deck against many numbers).
 * Prefixes are matched as given (digits); normalise numbers first.
 */
export class PrefixIndex<T> {
  private readonly byPrefix = new Map<string, T>()
  private readonly lengths: number[]

  /**
   * @param items the rows to index.
   * @param prefixOf the prefix of a row; of two rows with the same prefix, the first is kept.
   */
  constructor (items: Iterable<T>, prefixOf: (item: T) => string) {
    const lengths = new Set<number>()
    for (const item of items) {
      const prefix = prefixOf(item)
      if (prefix === '' || this.byPrefix.has(prefix)) continue
      this.byPrefix.set(prefix, item)
      lengths.add(prefix.length)
    }
    this.lengths = [...lengths].sort((a, b) => b - a)
  }

  /** The row with the longest prefix of `number`, and that prefix; `undefined` when none matches. */
  match (number: string): { prefix: string, item: T } | undefined {
    for (const length of this.lengths) {
      if (length > number.length) continue
      const prefix = number.slice(0, length)
      const item = this.byPrefix.get(prefix)
      if (item !== undefined) return { prefix, item }
    }
    return undefined
  }
}

/** The longest of `prefixes` that `number` starts with (one look-up; use {@link PrefixIndex} for many). */
export function longestPrefix (number: string, prefixes: Iterable<string>): string | undefined {
  let best: string | undefined
  for (const prefix of prefixes) if (prefix !== '' && number.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix
  return best
}
