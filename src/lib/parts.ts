import { ToolError } from './errors'
import type { Unread } from './result'

/**
 * Fetching several parts of an answer at once, where each may fail alone: a tool reports a
 * failed part as a line of its result instead of failing as a whole.
 */

/** The outcome of one part: its value, or the error that stopped it. */
export type Part<T> = { ok: true, value: T } | { ok: false, error: ToolError }

/** Runs one fetch and keeps its failure instead of throwing it. */
export async function part<T> (fetch: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await fetch() }
  } catch (error) {
    return { ok: false, error: error instanceof ToolError ? error : new ToolError('upstream', error instanceof Error ? error.message : String(error)) }
  }
}

/** The value of a part, or `undefined` when it failed. */
export function valueOf<T> (p: Part<T>): T | undefined {
  return p.ok ? p.value : undefined
}

/**
 * The failed ones of named parts, as {@link partialAnswer} (./result) takes them: `[['the SIP trace', trace],
 * ['RTCP', rtcp]]` gives one entry per part that failed, in that order.
 */
export function unreadOf (parts: readonly (readonly [source: string, part: Part<unknown> | undefined])[]): Unread[] {
  return parts.flatMap(([source, p]) => (p !== undefined && !p.ok ? [{ source, error: p.error }] : []))
}
