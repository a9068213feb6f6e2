import { parseArgs, type ParseArgsConfig } from 'node:util'
import { printAndExit } from './output'

/** Command-line option values shared by `npm start` and `npm run switch`. */

/** A whole number ≥ `min`, or `fallback` when the option is absent; `fail` gets the message otherwise. */
export function wholeNumber (name: string, value: string | undefined, fallback: number, min: number, fail: (message: string) => never): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number ≥ ${min}; got "${value}"`)
  return n
}

/** An ISO 8601 time as unix ms, or now when the option is absent. */
export function clock (value: string | undefined, fail: (message: string) => never): number {
  if (value === undefined) return Date.now()
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) fail(`--now must be an ISO 8601 time such as 2026-11-24T12:00:00Z; got "${value}"`)
  return ms
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>
type Parsed<T extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: T, strict: true, allowPositionals: false }>>['values']

/**
 * Parses the command line against `options` (which must declare `help`): a wrong option goes to
 * `fail`, `--help` prints `usage` and exits.
 */
export function parseOptions<const T extends OptionsConfig> (options: T, usage: string, fail: (message: string) => never): Parsed<T> {
  let values: Parsed<T>
  try {
    values = parseArgs({ options, strict: true, allowPositionals: false }).values as Parsed<T>
  } catch (error) {
    fail((error as Error).message)
  }
  if ((values as { help?: boolean }).help === true) printAndExit(usage, 0)
  return values
}
