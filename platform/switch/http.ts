import type { ApiResponse } from '../backend'

/** An answer other than 200, with the API's `{ error }` body. */
export class HttpError extends Error {
  readonly status: number

  constructor (status: number, message: string) {
    super(message)
    this.status = status
  }
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' }

/** An API response: `value` as JSON, or text with its content type (`docs/<path>` is markdown, CSV exports). */
export type SwitchResponse = ApiResponse & { contentType?: string }

/** `value` as a JSON response. */
export function json (status: number, value: unknown): SwitchResponse {
  return { status, statusText: STATUS_TEXT[status] ?? '', body: JSON.stringify(value) }
}

/** Text that is not JSON, e.g. markdown or CSV. */
export function text (body: string, contentType: string): SwitchResponse {
  return { status: 200, statusText: 'OK', body, contentType }
}

/** A required query parameter, or a 400 naming it. */
export function required (query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (value === null || value.trim() === '') throw new HttpError(400, `Missing required query parameter: ${name}`)
  return value.trim()
}

/** An optional whole-number query parameter within bounds, or a 400 naming it. */
export function integerParam (query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name)
  if (raw === null || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new HttpError(400, `Invalid ${name}: ${raw} (a whole number from ${min} to ${max})`)
  return value
}
