import { ToolError } from '../lib/errors'
import { fetchApiText } from './apiText'
import { apiPath, asArray, type Connexcs } from './client'

/**
 * The documentation endpoints: `GET docs?s=<query>` (hits: a path, a public URL, an HTML snippet;
 * no title) and `GET docs/<path>` (the page as raw markdown, not JSON). The platform's `cxRest`
 * parses every answer as JSON, so it rejects a page; {@link getDoc} then reads it through the
 * caller's `readText`, if any, or falls back to the page's search snippet and says so.
 */

/** One search hit, as the API gives it. */
export interface DocSearchHit {
  /** The page's path, as `getDoc` takes it (`customer/did`). */
  link: string
  public_url: string
  /** An HTML snippet around the match. */
  body: string
}

/** At most this many words of a query are also searched on their own. */
export const MAX_WORD_SEARCHES = 4

/** The API answer as hits, keeping only well-formed ones, each path once. */
function hits (value: unknown, into: Map<string, DocSearchHit>): void {
  for (const hit of asArray<Partial<DocSearchHit>>(value)) {
    if (hit === null || typeof hit !== 'object' || typeof hit.link !== 'string' || hit.link.trim() === '') continue
    const link = hit.link.trim().replace(/^\/+|\/+$/g, '')
    if (into.has(link)) continue
    into.set(link, {
      link,
      public_url: typeof hit.public_url === 'string' ? hit.public_url : '',
      body: typeof hit.body === 'string' ? hit.body : ''
    })
  }
}

/** The searches one query makes: the whole query, and its {@link MAX_WORD_SEARCHES} longest words apart when it has several. */
export function docSearches (query: string): string[] {
  const text = query.trim()
  if (text === '') return []
  const words = [...new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter(w => w.length > 2))]
  const singles = words.length > 1 ? words.toSorted((a, b) => b.length - a.length || (a < b ? -1 : 1)).slice(0, MAX_WORD_SEARCHES) : []
  return [text, ...singles]
}

/** What the searches of one query found, and those that failed (each with its error). */
export interface DocSearchOutcome {
  hits: DocSearchHit[]
  failed: { s: string, error: ToolError }[]
  /** How many searches were made. */
  searches: number
}

/**
 * `GET docs?s=`: the pages the API finds for `query`, in its order, each once, from every search
 * of {@link docSearches} (concurrently), so a search engine that wants every word still yields
 * the pages holding some; ranking is the caller's (`rankDocuments`). A search that fails is
 * listed in `failed` and the others still count.
 */
export async function searchDocsOutcome (api: Connexcs, query: string): Promise<DocSearchOutcome> {
  const searches = docSearches(query)
  const answers = await Promise.all(searches.map(async s => {
    try {
      return { s, value: await api.get<unknown>('docs', { s }) }
    } catch (error) {
      return { s, error: error instanceof ToolError ? error : new ToolError('upstream', error instanceof Error ? error.message : String(error)) }
    }
  }))
  const found = new Map<string, DocSearchHit>()
  const failed: DocSearchOutcome['failed'] = []
  for (const answer of answers) {
    if (answer.error === undefined) hits(answer.value, found)
    else failed.push({ s: answer.s, error: answer.error })
  }
  return { hits: [...found.values()], failed, searches: searches.length }
}

/** {@link searchDocsOutcome}'s hits, all or nothing: the first failed search is thrown. */
export async function searchDocs (api: Connexcs, query: string): Promise<DocSearchHit[]> {
  const outcome = await searchDocsOutcome(api, query)
  if (outcome.failed.length > 0) throw outcome.failed[0]!.error
  return outcome.hits
}

/** Reads a page's markdown another way than `cxRest` (on ScriptForge, `fetch`); undefined when it cannot. */
export type DocTextReader = (path: string) => Promise<string | undefined>

/**
 * A page: whole (`complete`; `cut` when its text stops mid-line, see {@link looksCut}), only its
 * search snippet (with the failure that kept the page from being read whole), or not found.
 */
export type DocFetch =
  | { found: true, complete: true, path: string, markdown: string, cut?: true }
  | { found: true, complete: false, path: string, excerpt: string, public_url: string, why: string, failure: ToolError }
  | { found: false, path: string }

/** Characters that end a finished last line of markdown: a sentence, a link, a table row, a tag, code, emphasis. */
const LINE_ENDS = /[.!?:;,)\]}>|`*_"'\u2019\u201d]$/

/**
 * Whether a page's text looks cut off in transit: it does not end with a line break (a page is
 * served as the file it is stored in, and a text file ends with one), and its last line does not
 * end as a finished line does. An answer that stopped early cannot be told from a short page by
 * its framing (the length matches what arrived), only by where it stops.
 */
export function looksCut (text: string): boolean {
  if (text.trim() === '' || /\n[ \t]*$/.test(text)) return false
  return !LINE_ENDS.test(text.slice(text.lastIndexOf('\n') + 1).trimEnd())
}

/** A page read whole, marked when it looks cut. */
function whole (path: string, markdown: string): DocFetch {
  return { found: true, complete: true, path, markdown, ...(looksCut(markdown) ? { cut: true as const } : {}) }
}

/**
 * Whether a failed call means the API answered 2xx with a body that is not JSON (the page's
 * markdown): the client's error has no HTTP status and names the JSON parser.
 */
function isNotJson (error: unknown): boolean {
  return error instanceof ToolError && error.type === 'upstream' && error.details.status === undefined && /json|unexpected/i.test(error.message)
}

/** The page's text from whatever `cxRest` resolved with: a string, or an object holding the markdown. */
function textOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value !== null && typeof value === 'object') {
    for (const key of ['markdown', 'content', 'body', 'text']) {
      const inner = (value as Record<string, unknown>)[key]
      if (typeof inner === 'string' && inner.trim() !== '') return inner
    }
  }
  return undefined
}

/**
 * `GET docs/<path>`: one page. `path` must already be checked (`checkDocPath`); each segment is
 * encoded again here, and `.`/`..`/empty segments are refused whatever the caller did.
 *
 * The page is markdown, which `cxRest` rejects as invalid JSON: that rejection proves the page
 * exists, and `readText` (when given) then reads it. Without a reader, or when it gives nothing,
 * the answer is the page's search snippet (`complete: false`, with why). A 404 is `found: false`.
 *
 * @throws ToolError `invalid_argument` for a path with a traversal segment; the API's other errors.
 */
export async function getDoc (api: Connexcs, path: string, readText?: DocTextReader): Promise<DocFetch> {
  const segments = path.split('/')
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    throw new ToolError('invalid_argument', `path ${JSON.stringify(path)} has an empty, . or .. segment`, { parameter: 'path' })
  }
  const url = `docs/${segments.map(s => apiPath`${s}`).join('/')}`
  let answer: unknown
  try {
    answer = await api.get<unknown>(url)
  } catch (error) {
    if (error instanceof ToolError && error.type === 'not_found') return { found: false, path }
    if (!isNotJson(error)) throw error
    let markdown: string | undefined
    let failure: ToolError | undefined
    try {
      markdown = readText === undefined ? undefined : await readText(path)
    } catch (readError) {
      // The page exists; only reading it whole failed: its snippet is still worth giving.
      failure = readError instanceof ToolError ? readError : new ToolError('upstream', readError instanceof Error ? readError.message : String(readError))
    }
    if (markdown !== undefined && markdown.trim() !== '') return whole(path, markdown)
    if (readText === undefined) return excerpt(api, path, new ToolError('configuration', 'no way to read a page\'s markdown here (cxRest parses every answer as JSON)'))
    return excerpt(api, path, failure ?? new ToolError('upstream', `GET docs/${path} with fetch answered an empty page`), true)
  }
  const markdown = textOf(answer)
  if (markdown !== undefined) return whole(path, markdown)
  return excerpt(api, path, new ToolError('upstream', `GET docs/${path} answered JSON without the page's text`))
}

/**
 * The page's search hit, found by searching for the words of its path; `failure` is why the page
 * could not be read whole (`read`: the reader's own failure, which `why` quotes). A failed search
 * leaves nothing to give: its error is thrown.
 */
async function excerpt (api: Connexcs, path: string, failure: ToolError, read = false): Promise<DocFetch> {
  const words = path.split(/[^A-Za-z0-9]+/).filter(w => w !== '').join(' ')
  const hit = (await searchDocs(api, words)).find(h => h.link === path)
  const why = 'the documentation API answers pages as markdown, which the platform\'s cxRest cannot read (it parses every answer as JSON)' +
    `${read ? `, and reading it with fetch failed (${failure.message})` : ''}; this is the page's search snippet: open public_url for the whole page`
  if (hit === undefined) {
    return { found: true, complete: false, path, excerpt: '', public_url: `https://docs.connexcs.com/${path}/`, why, failure }
  }
  return { found: true, complete: false, path, excerpt: hit.body, public_url: hit.public_url, why, failure }
}

/** Options of {@link fetchReader}. */
export interface FetchReaderOptions {
  /** The API base URL (`apiBaseUrl(env)`). */
  baseUrl?: string
  timeoutMs?: number
}

/**
 * A {@link DocTextReader} over the sandbox's `fetch`: `GET docs/<path>` at the API base URL, with
 * the platform client's Authorization header when it exposes one. It resolves with the markdown
 * of a 2xx answer, undefined for a 404, and rejects with the reason otherwise (no `fetch` in the
 * sandbox, a refusal, a network error), which `getDoc` passes on in its `why`.
 */
export function fetchReader (api: Connexcs, options: FetchReaderOptions = {}): DocTextReader {
  return async path => {
    const url = `docs/${path.split('/').map(s => apiPath`${s}`).join('/')}`
    const authorization = typeof api.authorization === 'function' ? api.authorization() : undefined
    const answer = await fetchApiText(url, {
      accept: 'text/markdown, text/plain;q=0.9, */*;q=0.1',
      ...(authorization === undefined ? {} : { authorization }),
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs })
    })
    if (answer.status >= 200 && answer.status < 300) return answer.text
    if (answer.status === 404) return undefined
    const refused = answer.status === 401 || answer.status === 403 ? ' (the sandbox\'s fetch carries no ConnexCS credentials of its own)' : ''
    throw new ToolError('upstream', `GET docs/${path} with fetch answered HTTP ${answer.status} ${answer.statusText}${refused}`, { status: answer.status })
  }
}
