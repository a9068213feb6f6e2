/**
 * The output budget (README, "Architecture"): no tool result may exceed {@link HARD_CAP_BYTES} of JSON,
 * whatever the data. Tools keep their results small themselves (pagination, summaries); this
 * is the last guard, and a result it had to cut says so and how to narrow the query.
 */

/** The most bytes of JSON any tool result may take (about 5,000 tokens). */
export const HARD_CAP_BYTES = 20_000

/** UTF-8 length of a string, counted by hand: the sandbox has no TextEncoder. */
export function utf8Length (text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

interface Found {
  holder: Record<string, unknown> | unknown[]
  key: string | number
  path: string
  size: number
}

/** Every array and string below `value`, with its serialised size. */
function collect (value: unknown, path: string, out: { arrays: Found[], strings: Found[] }): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const itemPath = `${path}[${i}]`
      if (Array.isArray(item)) out.arrays.push({ holder: value, key: i, path: itemPath, size: utf8Length(JSON.stringify(item)) })
      else if (typeof item === 'string') out.strings.push({ holder: value, key: i, path: itemPath, size: utf8Length(item) })
      collect(item, itemPath, out)
    })
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path === '' ? key : `${path}.${key}`
      const holder = value as Record<string, unknown>
      if (Array.isArray(item)) out.arrays.push({ holder, key, path: itemPath, size: utf8Length(JSON.stringify(item)) })
      else if (typeof item === 'string') out.strings.push({ holder, key, path: itemPath, size: utf8Length(item) })
      collect(item, itemPath, out)
    }
  }
}

function get (found: Found): unknown {
  return (found.holder as Record<string | number, unknown>)[found.key]
}

function set (found: Found, value: unknown): void {
  (found.holder as Record<string | number, unknown>)[found.key] = value
}

/**
 * Serialises a tool result to JSON of at most `maxBytes`.
 *
 * When the result is too big, the largest array (or, when it is smaller, the longest string) is
 * cut in proportion to the excess, round after round, and a `truncated` field lists what was
 * cut, with `hint`.
 * `summary` stays first and `next_steps` last, as every result has them.
 */
export function toBoundedJson (result: Record<string, unknown>, maxBytes = HARD_CAP_BYTES, hint = 'Narrow the query (a shorter date range, a filter, a smaller limit) or page with next_cursor.'): string {
  const text = JSON.stringify(result)
  if (utf8Length(text) <= maxBytes) return text

  const copy = JSON.parse(text) as Record<string, unknown>
  const cuts = new Map<string, { kept: number, of: number }>()
  const note = (): Record<string, unknown> => ({
    note: `Result cut to fit the ${Math.round(maxBytes / 1000)} KB output cap.`,
    cut: [...cuts].map(([field, c]) => c.of < 0 ? { field, kept_chars: c.kept } : { field, kept: c.kept, of: c.of }),
    hint
  })
  const render = (): string => {
    const { next_steps: nextSteps, ...rest } = copy
    return JSON.stringify({ ...rest, truncated: note(), ...(nextSteps === undefined ? {} : { next_steps: nextSteps }) })
  }

  for (let round = 0; round < 200; round++) {
    const out = render()
    const excess = utf8Length(out) - maxBytes
    if (excess <= 0) return out
    const found = { arrays: [] as Found[], strings: [] as Found[] }
    collect(copy, '', found)
    const array = found.arrays
      .filter(a => a.path !== 'next_steps' && (get(a) as unknown[]).length > 0)
      .sort((a, b) => b.size - a.size)[0]
    const string = found.strings.filter(s => s.size > 200).sort((a, b) => b.size - a.size)[0]
    if (array !== undefined && (string === undefined || array.size >= string.size)) {
      const items = get(array) as unknown[]
      const original = cuts.get(array.path)?.of ?? items.length
      // Cut in proportion to the excess (with a margin), so a huge list fits in a few rounds.
      const kept = Math.min(items.length - 1, Math.floor(items.length * Math.max(0, array.size - excess) / array.size * 0.95))
      set(array, items.slice(0, kept))
      cuts.set(array.path, { kept, of: original })
    } else if (string !== undefined) {
      const value = get(string) as string
      const kept = Math.min(value.length - 1, Math.floor(value.length * Math.max(0, string.size - excess) / string.size * 0.95))
      set(string, value.slice(0, kept) + '…')
      cuts.set(string.path, { kept, of: -1 })
    } else break
  }
  // Nothing left to cut and still too big: keep only what is certain to fit.
  return JSON.stringify({
    summary: String(copy.summary ?? 'The result was too large to return.').slice(0, 500),
    truncated: { note: `Result dropped: it did not fit the ${Math.round(maxBytes / 1000)} KB output cap.`, hint }
  })
}
