import { DOC_INDEX, indexedTitle } from '../analysis/docsIndex'
import { checkDocPath, closestPaths } from '../analysis/docsPaths'
import { docTitle, plainText } from '../analysis/docsRanking'
import { outlineDoc, sectionById, withoutMetadata, type DocOutline } from '../analysis/docsSections'
import { apiBaseUrl } from '../connexcs/apiText'
import { fetchReader, getDoc, searchDocsOutcome } from '../connexcs/docs'
import { defineTool } from '../lib/defineTool'
import { invalidArgument, ToolError } from '../lib/errors'
import { formatCount } from '../lib/format'
import { clip } from '../lib/records'
import { nextStep, notFound, partialAnswer, type NextStep, type ToolResult, type Unread } from '../lib/result'

/** A page whose markdown (without its metadata block) is at most this long comes whole. */
export const WHOLE_PAGE_CHARS = 12_000
/** The most characters of one section given at once. */
export const SECTION_CHARS = 12_000

/** The page's address on the documentation site. */
function publicUrl (path: string): string {
  return `https://docs.connexcs.com/${path}/`
}

/** The table of contents: each section's id (what `section` takes), title and size. */
function contents (outline: DocOutline, detailed: boolean) {
  return outline.sections.map(s => ({
    id: s.id,
    title: s.title,
    ...(detailed ? { chars: s.chars, ...(s.subsections.length === 0 ? {} : { subsections: s.subsections }) } : {})
  }))
}

/** The path as given, refused before any request when it could leave the documentation. */
function checkedPath (path: string): string {
  const check = checkDocPath(path)
  if (check.ok) return check.path
  const instead = check.suggestion === undefined ? '' : `; did you mean ${check.suggestion}?`
  throw invalidArgument('path', `path ${JSON.stringify(clip(path, 80))} is refused: ${check.reason}${instead}`)
}

/** `getDocumentation`: one documentation page as markdown, whole or section by section. */
export const getDocumentation = defineTool({
  name: 'getDocumentation',
  title: 'Read a documentation page',
  description: 'Read one ConnexCS documentation page as markdown, by its path as searchDocumentation gives it (customer/did). ' +
    'A long page comes as its table of contents (section ids, titles, sizes) and its introduction: ask again with section to ' +
    'read one. A missing page answers found: false with the closest paths.',
  example: 'Open the documentation page guides/nat-traversal, section "checklist-for-a-one-way-audio-ticket".',
  readOnly: true,
  selfTest: { args: () => ({ path: 'customer/did' }), expect: { path: 'string', title: 'string' }, mayFindNothing: true },
  params: {
    path: { type: 'string', description: 'The page\'s path, relative, as searchDocumentation returns it: customer/did, guides/nat-traversal.', required: true, maxLength: 1000 },
    section: { type: 'string', description: 'A section id from the page\'s sections (read a long page part by part); leave out for the page or its contents.', maxLength: 120 }
  },
  async handler ({ path: given, section }, ctx): Promise<ToolResult> {
    const path = checkedPath(given)
    const page = await getDoc(ctx.api, path, fetchReader(ctx.api, { baseUrl: apiBaseUrl(ctx.env) }))
    if (!page.found) {
      // The closest known pages, and those the search gives for the path's words.
      const words = path.split(/[^A-Za-z0-9]+/).filter(w => w.length > 2).join(' ')
      // The 404 is the answer; the search only adds suggestions, so its failure is said, not thrown.
      const searched = words === '' ? undefined : await searchDocsOutcome(ctx.api, words)
      const searchFailed = searched?.failed[0]?.error.message
      const closest = closestPaths(path, [...DOC_INDEX.map(d => d.path), ...(searched?.hits ?? []).map(h => h.link)], 3).map(c => c.path)
      const steps: NextStep[] = closest.slice(0, 2).map(p => nextStep('getDocumentation', { path: p }, `The closest page: ${indexedTitle(p) ?? docTitle(p)}.`))
      if (words !== '') steps.push(nextStep('searchDocumentation', { query: words }, 'Search for the words of the path.'))
      return notFound(`There is no documentation page ${path}.${closest.length === 0 ? '' : ` Closest: ${closest.join(', ')}.`}`,
        'The documentation API answered 404 for this path; paths are as searchDocumentation gives them (link), without the site\'s address.' +
        `${searchFailed === undefined ? '' : ` The closest paths are from the known pages only: a search failed (${clip(searchFailed, 200)}).`}`,
        steps, { path, closest })
    }
    if (!page.complete) {
      const title = indexedTitle(path) ?? docTitle(path, page.excerpt)
      return partialAnswer({
        summary: `Only a snippet of "${title}" (${path}) is here: open public_url for the whole page.`,
        path,
        title,
        complete: false,
        excerpt: clip(plainText(page.excerpt), 1000),
        public_url: page.public_url,
        why: page.why,
        next_steps: [nextStep('searchDocumentation', { query: title }, 'Other pages on the same subject.')]
      }, [{ source: 'the whole page', error: page.failure }])
    }
    // A page cut off in transit: what arrived is given, and said to be cut.
    const cut: Unread[] = page.cut !== true
      ? []
      : [{ source: 'the whole page', error: new ToolError('upstream', `GET docs/${path} answered a text that stops mid-line ("…${clip(page.markdown.slice(-40), 40)}"), as an answer cut off in transit does`) }]
    const outline = outlineDoc(page.markdown)
    const title = outline.title !== '' ? outline.title : indexedTitle(path) ?? docTitle(path)
    const base = { path, title, public_url: publicUrl(path), ...(Object.keys(outline.metadata).length === 0 ? {} : { metadata: outline.metadata }) }
    if (section !== undefined) {
      const part = sectionById(page.markdown, section, SECTION_CHARS)
      if (part === undefined) {
        // The section may be in the part of the page that never arrived.
        if (cut.length > 0) throw cut[0]!.error
        throw invalidArgument('section', `the page ${path} has no section ${JSON.stringify(clip(section, 60))}; its sections are ${outline.sections.map(s => s.id).join(', ')}`)
      }
      const at = outline.sections.findIndex(s => s.id === part.id)
      const following = outline.sections[at + 1]
      return partialAnswer({
        summary: `Section "${part.title}" of "${title}" (${path}): ${formatCount(part.chars)} characters` +
          `${part.truncated ? `, the first ${formatCount(part.markdown.length)} of them here (the rest is at public_url)` : ''}.`,
        ...base,
        section: { id: part.id, title: part.title, index: at + 1, of: outline.sections.length },
        markdown: part.markdown,
        truncated: part.truncated,
        next_steps: following === undefined ? [] : [nextStep('getDocumentation', { path, section: following.id }, `The next section: ${following.title}.`)]
      }, cut)
    }
    const body = withoutMetadata(page.markdown).trim()
    if (body.length <= WHOLE_PAGE_CHARS) {
      return partialAnswer({
        summary: cut.length === 0
          ? `"${title}" (${path}): the whole page, ${formatCount(body.length)} characters.`
          : `"${title}" (${path}): ${formatCount(body.length)} characters, cut off mid-line; the whole page is at public_url.`,
        ...base,
        complete: cut.length === 0,
        sections: contents(outline, false),
        markdown: body,
        next_steps: []
      }, cut)
    }
    const intro = outline.sections[0]?.id === 'intro' ? sectionById(page.markdown, 'intro', 2_000) : undefined
    const first = outline.sections.find(s => s.id !== 'intro')
    return partialAnswer({
      summary: `"${title}" (${path}) is long (${formatCount(body.length)} characters in ${outline.sections.length} sections): here are its contents` +
        `${intro === undefined ? '' : ' and introduction'}; ask for one section at a time with section.`,
      ...base,
      in_sections: true,
      chars: body.length,
      sections: contents(outline, true),
      ...(outline.sections_omitted === 0 ? {} : { sections_omitted: outline.sections_omitted }),
      ...(intro === undefined ? {} : { markdown: withoutMetadata(intro.markdown).trim() }),
      next_steps: first === undefined ? [] : [nextStep('getDocumentation', { path, section: first.id }, `The first section: ${first.title}.`)]
    }, cut)
  }
})
