import { ToolError, type ErrorType } from './errors'

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

/** Turns anything a handler threw into the shared error result. */
export function errorResult (error: unknown): ToolResult {
  const known = error instanceof ToolError
  const type: ErrorType = known ? error.type : 'internal'
  const message = error instanceof Error ? error.message : String(error)
  const details = known ? error.details : {}
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
