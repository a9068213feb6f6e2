import { clipInput, invalidArgument } from './errors'

/**
 * Field lists given as text (`"dt,callid,duration"`), checked against the fields a tool knows.
 * Only the table's own keys count: `toString`, `__proto__` or `constructor` are names every
 * object answers to through its prototype, and `name in table` would take them.
 */

/** At most this many unknown names are quoted back. */
const MAX_UNKNOWN_SHOWN = 5

/**
 * The fields of a comma-separated list, each once, in the order given; `fallback` when the text
 * is absent.
 *
 * @throws ToolError `invalid_argument` naming `parameter` when the list is empty or has a name
 * that is not an own key of `known`, listing the names it takes.
 */
export function parseFieldList<F extends string> (
  text: string | undefined,
  known: Readonly<Record<F, unknown>>,
  parameter: string,
  fallback: readonly F[]
): F[] {
  if (text === undefined) return [...fallback]
  const names = text.split(',').map(f => f.trim()).filter(f => f !== '')
  const unknown = names.filter(f => !Object.prototype.hasOwnProperty.call(known, f))
  if (unknown.length > 0 || names.length === 0) {
    const shown = unknown.slice(0, MAX_UNKNOWN_SHOWN).map(f => clipInput(f))
    if (unknown.length > MAX_UNKNOWN_SHOWN) shown.push(`and ${unknown.length - MAX_UNKNOWN_SHOWN} more`)
    throw invalidArgument(parameter, `${parameter} must be a comma-separated list of ${Object.keys(known).join(', ')}; unknown: ${shown.join(', ') || '(empty)'}`)
  }
  return [...new Set(names)] as F[]
}
