import { indexedTitle } from '../analysis/docsIndex'
import { rankDocuments, type MatchWhy } from '../analysis/docsRanking'
import { searchDocsOutcome } from '../connexcs/docs'
import { defineTool } from '../lib/defineTool'
import { plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { clip } from '../lib/records'
import { mainFailure, nextStep, notFound, partialAnswer, type NextStep, type ToolResult, type Unread } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'

/** The most results a page holds: each is a few hundred bytes. */
export const MAX_DOC_RESULTS = 25

/** Characters of each result's snippet. */
const SNIPPET_CHARS = 220

/** Where the query's words matched, without the empty lists. */
function matched (why: MatchWhy): Partial<MatchWhy> {
  return Object.fromEntries(Object.entries(why).filter(([, words]) => words.length > 0))
}

/** `searchDocumentation`: the ConnexCS documentation pages for a question, best first. */
export const searchDocumentation = defineTool({
  name: 'searchDocumentation',
  title: 'Search the documentation',
  description: 'Search the ConnexCS documentation (routing, rate cards, DIDs, SIP codes, NAT, codecs, RTP zones, ScriptForge, JWT, ' +
    'AI agents): ranked pages with title, path, a snippet around the match and which words matched where; pages holding every ' +
    'word of the query come first. Paginated. Open a page with getDocumentation and its path.',
  example: 'How do I fix one-way audio behind NAT? Search the docs.',
  readOnly: true,
  selfTest: { args: () => ({ query: 'SIP response codes' }), expect: { results: 'array' } },
  params: {
    query: { type: 'string', description: 'What to look for, in a few words (e.g. "NAT one-way audio", "DID porting").', required: true, maxLength: 200 },
    limit: limitParam(10, MAX_DOC_RESULTS),
    cursor: cursorParam
  },
  async handler ({ query, limit, cursor }, ctx): Promise<ToolResult> {
    const outcome = await searchDocsOutcome(ctx.api, query)
    const hits = outcome.hits
    // A query searches as a whole and word by word: a failed search leaves the others' pages, and says so.
    const unread: Unread[] = outcome.failed.map(f => ({ source: `the search for "${clip(f.s, 40)}"`, error: f.error }))
    if (outcome.searches > 0 && outcome.failed.length === outcome.searches) throw mainFailure(unread)
    const ranked = rankDocuments(query, hits.map(h => ({ path: h.link, title: indexedTitle(h.link), body: h.body })), { snippetChars: SNIPPET_CHARS })
    if (ranked.length === 0) {
      return partialAnswer(notFound(`No documentation page matches "${query}".`,
        hits.length === 0 ? 'The documentation search found nothing for these words.' : 'The pages the search gave hold none of the query\'s words.',
        [], { query }), unread)
    }
    const page = paginate(ranked, cursor, limit)
    const urls = new Map(hits.map(h => [h.link, h.public_url]))
    const allWords = ranked.filter(r => r.all_words).length
    const best = page.items.slice(0, 3).map(r => `${r.title} (${r.path})`).join('; ')
    const steps: NextStep[] = [nextStep('getDocumentation', { path: page.items[0]!.path }, 'Read the best page.')]
    if (page.next_cursor !== undefined) steps.push(nextStep('searchDocumentation', { query, limit, cursor: page.next_cursor }, 'The next page of results.'))
    return partialAnswer({
      summary: `${plural(ranked.length, 'page')} match "${query}"${allWords < ranked.length && allWords > 0 ? ` (${allWords} with every word)` : ''}; ` +
        `${cursor === undefined ? 'best' : 'here'}: ${best}.`,
      query,
      total: page.total,
      results: page.items.map(r => ({
        path: r.path,
        title: r.title,
        snippet: r.snippet,
        all_words: r.all_words,
        matched: matched(r.why),
        ...(urls.get(r.path) ? { public_url: urls.get(r.path) } : {})
      })),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: steps
    }, unread)
  }
})
