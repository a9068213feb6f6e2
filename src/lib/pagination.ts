import { clipInput, invalidArgument } from './errors'

/** One page of a list, and where the next one starts. */
export interface Page<T> {
  items: T[]
  /** How many items the whole list has. */
  total: number
  /** Pass this as `cursor` to get the next page; absent on the last page. */
  next_cursor?: string
  /** True when the cursor pointed past the last item: `items` is empty, and the tool should say so. */
  past_end?: true
}

const CURSOR = /^o(\d{1,7})$/

/** Reads a cursor made by {@link paginate}; absent means the first page. */
export function cursorOffset (cursor: string | undefined): number {
  if (cursor === undefined) return 0
  const m = CURSOR.exec(cursor)
  if (m === null) throw invalidArgument('cursor', `cursor ${JSON.stringify(clipInput(cursor))} is not one this tool issued; pass the next_cursor value of the previous page exactly, or leave cursor out for the first page`)
  return Number(m[1])
}

/** The cursor of the page that starts at `offset`. */
export function cursorAt (offset: number): string {
  return `o${offset}`
}

/**
 * Cuts one page out of a list: the single pagination rule every tool uses. A cursor past the end
 * (the list shrank since, or the cursor was made up) is an empty last page, never an error: its
 * `items` is empty, so a tool must not take `items[0]` for granted.
 */
export function paginate<T> (items: readonly T[], cursor: string | undefined, limit: number): Page<T> {
  const offset = cursorOffset(cursor)
  const page: Page<T> = { items: items.slice(offset, offset + limit), total: items.length }
  if (offset + limit < items.length) page.next_cursor = cursorAt(offset + limit)
  if (offset > 0 && offset >= items.length) page.past_end = true
  return page
}
