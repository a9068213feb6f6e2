import { clipInput, loneSurrogateAt, ToolError } from './errors'

interface BaseParam {
  /** What the AI reads about the parameter: what it is, its unit, its range. */
  description: string
  required?: boolean
}

/** A string parameter. */
export interface StringParam extends BaseParam {
  type: 'string'
  default?: string
  enum?: readonly string[]
  /** The longest value taken, in UTF-16 code units (default {@link DEFAULT_MAX_LENGTH}). */
  maxLength?: number
  /** `date` = a calendar date `YYYY-MM-DD` (UTC). */
  format?: 'date'
  /** A shape the value must have, and the words that describe it in the error message. */
  pattern?: { regex: RegExp, says: string }
  /**
   * A JSON number is taken as its decimal text: a customer or carrier given by name or by id,
   * which older callers send as a number. The schema still says string.
   */
  acceptsNumber?: boolean
}

/** A number parameter. */
export interface NumberParam extends BaseParam {
  type: 'number'
  default?: number
  min?: number
  max?: number
  integer?: boolean
}

/** A boolean parameter. */
export interface BooleanParam extends BaseParam {
  type: 'boolean'
  default?: boolean
}

/** One parameter of a tool, as the tool module declares it. */
export type ParamSpec = StringParam | NumberParam | BooleanParam

/** A tool's parameters by name. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>

type ValueOf<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' } ? string : S extends { type: 'number' } ? number : boolean

type Guaranteed<S> = S extends { required: true } ? true : S extends { default: string | number | boolean } ? true : false

/** The handler's argument object: required and defaulted parameters are always present. */
export type ArgsOf<P extends ParamSpecs> =
  { -readonly [K in keyof P as Guaranteed<P[K]> extends true ? K : never]: ValueOf<P[K]> }
  & { -readonly [K in keyof P as Guaranteed<P[K]> extends true ? never : K]?: ValueOf<P[K]> }

/** The longest string any parameter takes unless its spec says otherwise: no argument needs more. */
export const DEFAULT_MAX_LENGTH = 1000

/** At most this many problems are listed in one error; the rest are counted. */
const MAX_PROBLEMS = 5

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate (value: string): boolean {
  const m = DATE_SHAPE.exec(value)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `the string ${JSON.stringify(clipInput(value))}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

/** Edit distance, to suggest the parameter an unknown argument was probably meant to be. */
function distance (a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost))
    }
    prev = row
  }
  return prev[b.length]!
}

/** The known name a mistyped one was probably meant to be, if any is close enough. */
export function closestName (name: string, names: readonly string[]): string | undefined {
  // No name is this long; the distance of a huge one would cost seconds.
  if (name.length > 64) return undefined
  const normal = (s: string): string => s.toLowerCase().replace(/[_-]/g, '')
  let best: string | undefined
  let bestScore = Infinity
  for (const candidate of names) {
    const score = normal(candidate) === normal(name) ? 0 : distance(normal(name), normal(candidate))
    if (score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined
}

/** Checks one present value against its spec; returns the problem, or the clean value. */
function checkValue (name: string, spec: ParamSpec, value: unknown): { problem: string } | { value: string | number | boolean } {
  const expected = `${name} must be a ${spec.type}, got ${describeValue(value)}`
  switch (spec.type) {
    case 'string': {
      const numeric = spec.acceptsNumber === true && typeof value === 'number' && Number.isFinite(value)
      if (typeof value !== 'string' && !numeric) {
        return { problem: spec.acceptsNumber === true ? `${name} must be a name (string) or an id (number), got ${describeValue(value)}` : `${expected}; send it as a JSON string` }
      }
      const text = String(value).trim()
      const maxLength = spec.maxLength ?? DEFAULT_MAX_LENGTH
      if (text.length > maxLength) {
        return { problem: `${name} is ${text.length} characters long; the most it can be is ${maxLength}` }
      }
      const lone = loneSurrogateAt(text)
      if (lone >= 0) {
        // Such a string cannot be URI-encoded or sent: refuse it here rather than fail inside the tool.
        return { problem: `${name} is not valid Unicode text: it has a lone UTF-16 surrogate (\\u${text.charCodeAt(lone).toString(16)}) at character ${lone}; send well-formed text` }
      }
      if (spec.enum !== undefined && !spec.enum.includes(text)) {
        return { problem: `${name} must be one of ${spec.enum.map(e => `'${e}'`).join(', ')}; got ${describeValue(value)}` }
      }
      if (spec.format === 'date' && !isCalendarDate(text)) {
        return { problem: `${name} must be a date written YYYY-MM-DD (UTC), e.g. 2026-01-31; got ${describeValue(value)}` }
      }
      if (spec.pattern !== undefined && !spec.pattern.regex.test(text)) {
        return { problem: `${name} must be ${spec.pattern.says}; got ${describeValue(value)}` }
      }
      return { value: text }
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        const hint = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
          ? `; send it as a JSON number: ${Number(value)}`
          : ''
        return { problem: expected + hint }
      }
      if (spec.integer === true && !Number.isInteger(value)) return { problem: `${name} must be a whole number; got ${value}` }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        const range = spec.max === undefined ? `at least ${spec.min}` : spec.min === undefined ? `at most ${spec.max}` : `between ${spec.min} and ${spec.max}`
        return { problem: `${name} must be ${range}; got ${value}` }
      }
      return { value }
    }
    case 'boolean':
      if (typeof value !== 'boolean') return { problem: `${expected}; send true or false` }
      return { value }
  }
}

/**
 * Validates a tool call's raw arguments against the tool's parameters and applies defaults.
 *
 * Strings are trimmed, and an empty string for an optional parameter counts as absent (AI clients
 * often send `""` for "not given"). Unknown arguments are refused with the nearest known name,
 * because a misspelt optional filter would otherwise be ignored silently. All problems are
 * reported at once, each naming its parameter.
 *
 * @throws ToolError `invalid_argument` naming the first bad parameter.
 */
export function parseArgs<P extends ParamSpecs> (specs: P, raw: unknown): ArgsOf<P> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ToolError('invalid_argument', `The arguments must be a JSON object of named parameters; got ${describeValue(raw)}`, { parameter: 'arguments' })
  }
  const given = (raw ?? {}) as Record<string, unknown>
  const names = Object.keys(specs)
  const problems: { parameter: string, text: string }[] = []
  const args: Record<string, string | number | boolean> = {}

  for (const key of Object.keys(given)) {
    if (names.includes(key)) continue
    const guess = closestName(key, names)
    const known = names.length === 0 ? 'this tool takes no parameters' : `known parameters: ${names.join(', ')}`
    // The name is the caller's input: quote a prefix only (a key can be a megabyte long).
    const shown = clipInput(key)
    problems.push({ parameter: shown, text: `${shown} is not a parameter of this tool${guess === undefined ? '' : `; did you mean ${guess}?`} (${known})` })
  }

  for (const name of names) {
    const spec = specs[name]!
    const value = given[name]
    const absent = value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && spec.required !== true)
    if (absent) {
      if (spec.required === true) problems.push({ parameter: name, text: `${name} is required: ${spec.description}` })
      else if (spec.default !== undefined) args[name] = spec.default
      continue
    }
    if (typeof value === 'string' && value.trim() === '') {
      problems.push({ parameter: name, text: `${name} is required and must not be empty: ${spec.description}` })
      continue
    }
    const checked = checkValue(name, spec, value)
    if ('problem' in checked) problems.push({ parameter: name, text: checked.problem })
    else args[name] = checked.value
  }

  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_PROBLEMS).map(p => p.text.replace(/\.$/, ''))
    if (problems.length > MAX_PROBLEMS) listed.push(`${problems.length - MAX_PROBLEMS} more not listed`)
    throw new ToolError('invalid_argument', listed.join('. ') + '.', { parameter: problems[0]!.parameter })
  }
  return args as ArgsOf<P>
}
