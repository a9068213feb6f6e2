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
