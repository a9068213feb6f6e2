/** The kinds of failure a tool reports, shared by every tool (README, "Architecture"). */
export type ErrorType =
  | 'invalid_argument'
  | 'not_found'
  | 'upstream'
  | 'rate_limited'
  | 'timeout'
  | 'configuration'
  | 'internal'

/** Extra facts that help the caller act on an error. */
export interface ErrorDetails {
  /** The parameter that was wrong, when the error is about one. */
  parameter?: string
  /** HTTP status of a failed ConnexCS API call. */
  status?: number
  /** Seconds the API asked us to wait before retrying. */
  retry_after_s?: number
}

/**
 * An error a tool can report to the AI as is: its message says what went wrong and how to fix it.
 * Anything else thrown inside a handler is reported as `internal`.
 */
export class ToolError extends Error {
  readonly type: ErrorType
  readonly details: ErrorDetails

  constructor (type: ErrorType, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'ToolError'
    this.type = type
    this.details = details
  }
}

/** A bad argument: the message must name the parameter and say what a good value looks like. */
export function invalidArgument (parameter: string, message: string): ToolError {
  return new ToolError('invalid_argument', message, { parameter })
}

/** How many characters of a caller's input an error message may quote. */
export const ECHO_CHARS = 40

/**
 * At most `max` characters of `text`, with `…` when cut: what an error may quote of the caller's
 * input, so that a 1 MB argument never comes back whole. A surrogate pair is never split.
 */
export function clipInput (text: string, max = ECHO_CHARS): string {
  if (text.length <= max) return text
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max
  return `${text.slice(0, end)}…`
}

function isHighSurrogate (code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/**
 * The index of the first lone UTF-16 surrogate in `text` (a half of a pair without the other),
 * or -1. Such a string is not Unicode text: it cannot be URI-encoded, and the API cannot read it.
 */
export function loneSurrogateAt (text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0xd800 || code > 0xdfff) continue
    if (isHighSurrogate(code)) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
    }
    return i
  }
  return -1
}
