/**
 * Reading loosely documented API records: the first present field of several spellings, and a
 * short text for whatever is left. Used where the API's field names are only partly known.
 */

/** The first of `keys` that `record` has (not null or empty). */
export function pick (record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = record[key]
    if (value !== undefined && value !== null && value !== '') return value
  }
  return undefined
}

/** Text cut to `max` characters, with an ellipsis when cut. */
export function clip (text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…'
}
