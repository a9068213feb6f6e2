import { clipInput, ToolError, type ErrorType } from './errors'

/** A suggestion of which tool to call next, with the arguments to call it with. */
export interface NextStep {
  tool: string
  args: Record<string, string | number | boolean>
  why: string
}

/**
 * What every tool handler returns (README, "Architecture"): a plain-language `summary` first, then the
 * structured facts, then `next_steps`.
 */
export interface ToolResult {
  summary: string
  next_steps?: NextStep[]
  [fact: string]: unknown
}

/** Builds a next step; drops arguments that are not set, so the AI can copy them as they are. */
export function nextStep (tool: string, args: Record<string, string | number | boolean | undefined>, why: string): NextStep {
  const clean: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(args)) if (value !== undefined) clean[key] = value
  return { tool, args: clean, why }
}

/** "No data" is a normal answer: say why and what to try. */
export function notFound (summary: string, why: string, nextSteps: NextStep[] = [], facts: Record<string, unknown> = {}): ToolResult {
  return { summary, found: false, why, ...facts, next_steps: nextSteps }
}

const LABELS: Record<ErrorType, string> = {
  invalid_argument: 'Invalid argument',
  not_found: 'Not found',
  upstream: 'ConnexCS API error',
  rate_limited: 'Rate limited by the ConnexCS API',
  timeout: 'Timed out',
  configuration: 'Configuration error',
  internal: 'Internal error'
}

/** The longest error message a result carries: messages quote the API, which may quote the input. */
const MAX_MESSAGE_CHARS = 600

/** Turns anything a handler threw into the shared error result. */
export function errorResult (error: unknown): ToolResult {
  const known = error instanceof ToolError
  const type: ErrorType = known ? error.type : 'internal'
  const message = clipInput(error instanceof Error ? error.message : String(error), MAX_MESSAGE_CHARS)
  const details = known ? { ...error.details } : {}
  if (details.parameter !== undefined) details.parameter = clipInput(details.parameter)
  const about = details.parameter ?? (details.status === undefined ? '' : `HTTP ${details.status}`)
  return {
    summary: about === '' ? LABELS[type] : `${LABELS[type]}: ${about}`,
    error: {
      type,
      message: known ? message : `${message} (this is a bug in the tool; please report it)`,
      ...details
    }
  }
}

/** A source an answer depends on that could not be read, and why. */
export interface Unread {
  /** What it is, for people, as it reads in a sentence: `the SIP trace`, `RTCP`, `the call log`. */
  source: string
  error: ToolError
}

/** Why a source failed, in a few words: `HTTP 503`, `rate limited, retry after 30 s`, `no answer in time`. */
export function failureWords (error: ToolError): string {
  const { status, retry_after_s: retry } = error.details
  switch (error.type) {
    case 'rate_limited': return `rate limited${retry === undefined ? '' : `, retry after ${retry} s`}`
    case 'timeout': return 'no answer in time'
    case 'not_found': return 'not found'
    case 'configuration': return 'configuration error'
    default:
      if (/invalid JSON/.test(error.message)) return 'invalid JSON'
      if (/stops mid-line/.test(error.message)) return 'cut off mid-line'
      return status === undefined ? 'failed' : `HTTP ${status}`
  }
}

/**
 * The first sentence of a partial answer: what could not be read, and that the conclusion may be
 * incomplete, e.g. `Could not read the SIP trace (HTTP 503) or RTCP (no answer in time), so this
 * answer may be incomplete.`
 */
export function unreadSentence (unread: readonly Unread[]): string {
  const each = unread.map(u => `${u.source} (${failureWords(u.error)})`)
  const list = each.length <= 1 ? each.join('') : `${each.slice(0, -1).join(', ')} or ${each.at(-1)}`
  return `Could not read ${list}, so this answer may be incomplete.`
}

// Which failure a caller can act on best comes first: wait and retry, then try again, then the rest.
const FAILURE_ORDER: readonly ErrorType[] = ['rate_limited', 'timeout', 'upstream', 'configuration', 'not_found', 'internal', 'invalid_argument']

/** The failure to report when an answer cannot be given at all. */
export function mainFailure (unread: readonly Unread[]): ToolError {
  return unread.map(u => u.error).toSorted((a, b) => FAILURE_ORDER.indexOf(a.type) - FAILURE_ORDER.indexOf(b.type))[0]!
}

/**
 * A result built while some of its sources failed (the one error contract, README "Architecture"):
 * its summary is led by {@link unreadSentence}, and `unread` lists each failure with its type
 * (and `retry_after_s` for a rate limit). With nothing unread the result is returned as it is.
 *
 * "Not found" is said only when every source answered: a `found: false` result with a failed
 * source is not an answer, so this throws the failure that matters most ({@link mainFailure})
 * and the call becomes that tool error.
 */
export function partialAnswer (result: ToolResult, unread: readonly Unread[]): ToolResult {
  if (unread.length === 0) return result
  if (result.found === false) throw mainFailure(unread)
  const { summary, next_steps: nextSteps, ...facts } = result
  return {
    summary: `${unreadSentence(unread)} ${summary}`,
    ...facts,
    partial: true,
    unread: unread.map(u => ({
      source: u.source,
      type: u.error.type,
      message: clipInput(u.error.message, MAX_MESSAGE_CHARS),
      ...(u.error.details.status === undefined ? {} : { status: u.error.details.status }),
      ...(u.error.details.retry_after_s === undefined ? {} : { retry_after_s: u.error.details.retry_after_s })
    })),
    ...(nextSteps === undefined ? {} : { next_steps: nextSteps })
  }
}
