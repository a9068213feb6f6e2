/**
 * Ranking documentation pages for a query. The docs API answers hits with a path and an HTML
 * snippet and no title, in its own order; this module ranks them again so that a query of
 * several words puts the pages holding all of them first, a match in the title or the path
 * above one in the body, and says for each page which words matched where.
 */

/** A page to rank: its path, its title when known, and its text (markdown, HTML or plain). */
export interface RankableDoc {
  path: string
  title?: string
  body: string
}

/** Where each query word was found in one page. */
export interface MatchWhy {
  title: string[]
  path: string[]
  body: string[]
  /** Query words found nowhere in the page. */
  missing: string[]
}

/** One ranked page. */
export interface RankedDoc {
  path: string
  title: string
  /** Plain text around the first match in the body (or its start), cut at word boundaries. */
  snippet: string
  /** Higher is better; only the order is meaningful. */
  score: number
  /** Whether every query word matched somewhere. */
  all_words: boolean
  why: MatchWhy
}

/** Options of {@link rankDocuments}. */
export interface RankOptions {
  /** The longest snippet, in characters (default 200). */
  snippetChars?: number
}

/** Words too common to rank by, unless the query has nothing else. */
const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'at', 'be', 'by', 'can', 'do', 'does', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'my',
  'of', 'on', 'or', 'the', 'to', 'what', 'when', 'where', 'which', 'who', 'why', 'with'])

/** At most this many distinct words of a query count. */
export const MAX_QUERY_WORDS = 8

/**
 * The words of a query that rank: lower case, split on anything but letters and digits, stop
 * words and one-letter words dropped (all kept when nothing else is left), duplicates removed,
 * at most {@link MAX_QUERY_WORDS}.
 */
export function queryWords (query: string): string[] {
  const all = [...new Set(query.toLowerCase().split(/[^a-z0-9]+/).filter(w => w !== ''))]
  const meaningful = all.filter(w => w.length > 1 && !STOP_WORDS.has(w))
  return (meaningful.length > 0 ? meaningful : all).slice(0, MAX_QUERY_WORDS)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: ' ', '#39': '\'' }

/**
 * Markdown or an HTML snippet as plain text: the metadata block, tags, markdown markup
 * (headings, emphasis, code fences, link targets, table rules) and entities removed, white space
 * collapsed.
 */
export function plainText (text: string): string {
  return text
    .replace(/<details>[\s\S]*?<\/details>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/(^|\s)#{2,6}(?=\s)/g, ' ')
    .replace(/^\s*\|?[\s:|-]+\|[\s:|-]*$/gm, ' ')
    .replace(/[*`]+/g, '')
    .replace(/[|>]+/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name]!)
    .replace(/\s+/g, ' ')
    .trim()
}

/** The `# ` heading on the first line of markdown, or undefined. */
function firstHeading (markdown: string): string | undefined {
  return /^\s*#\s+(.+?)\s*#*\s*(?:\n|$)/.exec(markdown)?.[1]?.trim()
}

/**
 * The page's title: the `# ` heading its markdown starts with, or an HTML snippet's `<h1>`,
 * else its path's last segment in words (`card/profit-assurance` → `Profit assurance`). An HTML
 * snippet is never read as markdown: it may start in the middle of a heading.
 */
export function docTitle (path: string, body = ''): string {
  const html = body.trimStart().startsWith('<')
  const heading = html ? undefined : firstHeading(body)
  if (heading !== undefined && heading !== '') return heading
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(body)
  if (h1 !== null && plainText(h1[1]!) !== '') return plainText(h1[1]!)
  const words = (path.split('/').filter(s => s !== '').at(-1) ?? path).replace(/\.md$/i, '').replace(/[-_]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The tokens of a text, lower case. */
function tokens (text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(w => w !== '')
}

/** Whether a token is the query word or the word plus a short ending (did → dids, trace → traces, route → routed). */
function matches (token: string, word: string): boolean {
  if (token === word) return true
  return word.length >= 3 && token.startsWith(word) && token.length - word.length <= 3
}

/** The offset in `text` of the first token that matches one of `words`, or -1. */
function firstMatch (text: string, words: readonly string[]): number {
  const pattern = /[A-Za-z0-9]+/g
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const token = m[0].toLowerCase()
    if (words.some(w => matches(token, w))) return m.index
  }
  return -1
}

/** About `maxChars` of `text` around offset `at` (a third before it), cut at spaces, with … where cut. */
export function snippetAround (text: string, at: number, maxChars: number): string {
  if (text.length <= maxChars) return text
  let start = Math.max(0, Math.min(at - Math.floor(maxChars / 3), text.length - maxChars))
  let end = Math.min(text.length, start + maxChars)
  if (start > 0) {
    const space = text.indexOf(' ', start)
    if (space !== -1 && space < at) start = space + 1
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end)
    if (space > Math.max(start, at)) end = space
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`
}

/**
 * Ranks pages for a query, best first. Order: pages with more of the query's words first (so all
 * words before some); then more words in the title, then in the path, then more body
 * occurrences (counted up to 50 per word); then the path, alphabetically. Pages matching no word
 * are left out. A query without words ranks nothing.
 */
export function rankDocuments (query: string, docs: readonly RankableDoc[], options: RankOptions = {}): RankedDoc[] {
  const words = queryWords(query)
  if (words.length === 0) return []
  const snippetChars = Math.max(40, options.snippetChars ?? 200)
  const ranked: RankedDoc[] = []
  const seen = new Set<string>()
  for (const doc of docs) {
    if (seen.has(doc.path)) continue
    seen.add(doc.path)
    const title = doc.title !== undefined && doc.title.trim() !== '' ? doc.title.trim() : docTitle(doc.path, doc.body)
    // The title is matched on its own; the body's own heading line would count it twice.
    const text = plainText(doc.body.trimStart().startsWith('<') ? doc.body : doc.body.replace(/^\s*#\s+.*(?:\n|$)/, ''))
    const titleTokens = tokens(title)
    const pathTokens = tokens(doc.path)
    const bodyTokens = tokens(text)
    const why: MatchWhy = { title: [], path: [], body: [], missing: [] }
    let bodyHits = 0
    for (const word of words) {
      const inTitle = titleTokens.some(t => matches(t, word))
      const inPath = pathTokens.some(t => matches(t, word))
      const count = Math.min(50, bodyTokens.filter(t => matches(t, word)).length)
      if (inTitle) why.title.push(word)
      if (inPath) why.path.push(word)
      if (count > 0) why.body.push(word)
      if (!inTitle && !inPath && count === 0) why.missing.push(word)
      bodyHits += count
    }
    const matched = words.length - why.missing.length
    if (matched === 0) continue
    const at = firstMatch(text, words)
    ranked.push({
      path: doc.path,
      title,
      snippet: snippetAround(text, Math.max(0, at), snippetChars),
      score: matched * 1_000_000 + why.title.length * 10_000 + why.path.length * 1_000 + bodyHits,
      all_words: why.missing.length === 0,
      why
    })
  }
  return ranked.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
