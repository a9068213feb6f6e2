/**
 * A documentation page (markdown, in the ConnexCS docs' shape: a `# Title`, a `<details>`
 * "Document Metadata" block, then the body) read as parts: its metadata, its table of contents
 * (one entry per `##` section, with an id, a title and a size), and one section by id, so that
 * a page longer than the output cap can be read section by section.
 */

/** The facts of the "Document Metadata" block; absent fields are left out. */
export interface DocMetadata {
  category?: string
  audience?: string
  difficulty?: string
  time_required?: string
  prerequisites?: string
}

/** One `##` section of a page (or `intro`, the text before the first one). */
export interface DocSection {
  /** `intro`, or the heading as a slug (`read-the-final-response`), `-2`, `-3`… when repeated. */
  id: string
  title: string
  /** Characters of the section's markdown, heading included. */
  chars: number
  /** Its `###` headings, in order (at most 20). */
  subsections: string[]
}

/** A page split into its parts. */
export interface DocOutline {
  title: string
  metadata: DocMetadata
  /** Characters of the whole page as given. */
  chars: number
  sections: DocSection[]
  /** Sections past the limit of {@link outlineDoc}, not listed. */
  sections_omitted: number
}

/** A section's text, cut when it is longer than asked. */
export interface SectionText {
  id: string
  title: string
  markdown: string
  /** Whether `markdown` stops before the section's end. */
  truncated: boolean
  /** The full section's size, in characters. */
  chars: number
}

const METADATA_FIELDS: [label: string, key: keyof DocMetadata][] = [
  ['Category', 'category'], ['Audience', 'audience'], ['Difficulty', 'difficulty'], ['Time Required', 'time_required'],
  ['Prerequisites', 'prerequisites']
]

/** At most this many sections are listed by {@link outlineDoc} unless told otherwise. */
export const MAX_SECTIONS = 60

/** The heading as an id: lower case, letters and digits joined by `-` (`Error codes of the switch` → `error-codes-of-the-switch`). */
export function sectionSlug (heading: string): string {
  const slug = heading.toLowerCase().replace(/<[^>]*>/g, '').replace(/[`*_]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  return slug === '' ? 'section' : slug
}

/** The metadata of the page's `<details>` block, read from its `<strong>Label</strong>: value` lines. */
export function docMetadata (markdown: string): DocMetadata {
  const block = /<details>[\s\S]*?<\/details>/i.exec(markdown)?.[0] ?? ''
  const metadata: DocMetadata = {}
  for (const [label, key] of METADATA_FIELDS) {
    const line = new RegExp(`<strong>\\s*${label}\\s*</strong>\\s*:?\\s*([^<\\n]*)`, 'i').exec(block)
    const value = line?.[1]?.trim()
    if (value !== undefined && value !== '') metadata[key] = value
  }
  return metadata
}

interface RawSection {
  title: string
  level: number
  text: string
}

/** The page cut at its `##` headings (not those inside code fences); the first part is the intro. */
function cut (markdown: string): RawSection[] {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n')
  const parts: RawSection[] = [{ title: '', level: 1, text: '' }]
  let fence: string | undefined
  for (const [i, line] of lines.entries()) {
    const text = i < lines.length - 1 ? `${line}\n` : line
    const fenceMark = /^\s{0,3}(```|~~~)/.exec(line)?.[1]
    if (fenceMark !== undefined) fence = fence === undefined ? fenceMark : fence === fenceMark ? undefined : fence
    const heading = fence === undefined ? /^ {0,3}##\s+(.+?)\s*#*\s*$/.exec(line) : null
    if (heading !== null) parts.push({ title: heading[1]!, level: 2, text })
    else parts[parts.length - 1]!.text += text
  }
  return parts
}

/** The sections of a page with their ids, the intro first when it holds anything. */
function sections (markdown: string): (RawSection & { id: string })[] {
  const used = new Map<string, number>()
  const out: (RawSection & { id: string })[] = []
  for (const [i, part] of cut(markdown).entries()) {
    if (i === 0) {
      if (part.text.trim() !== '') out.push({ ...part, id: 'intro', title: 'Introduction' })
      continue
    }
    const base = sectionSlug(part.title)
    const n = (used.get(base) ?? 0) + 1
    used.set(base, n)
    out.push({ ...part, id: n === 1 ? base : `${base}-${n}`, title: part.title.replace(/[`*_]/g, '').trim() })
  }
  return out
}

/** The page's `# ` title, or '' when it has none. */
function pageTitle (markdown: string): string {
  return /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(markdown)?.[1]?.trim() ?? ''
}

/**
 * The outline of a page: title, metadata, and its sections (the intro, then one per `##`
 * heading, ids unique), at most `maxSections` of them (default {@link MAX_SECTIONS}).
 */
export function outlineDoc (markdown: string, maxSections = MAX_SECTIONS): DocOutline {
  const all = sections(markdown)
  const limit = Math.max(0, maxSections)
  return {
    title: pageTitle(markdown),
    metadata: docMetadata(markdown),
    chars: markdown.length,
    sections: all.slice(0, limit).map(s => ({
      id: s.id,
      title: s.title,
      chars: s.text.length,
      subsections: [...s.text.matchAll(/^ {0,3}###\s+(.+?)\s*#*\s*$/gm)].map(m => m[1]!.replace(/[`*_]/g, '').trim()).slice(0, 20)
    })),
    sections_omitted: Math.max(0, all.length - limit)
  }
}

/**
 * One section of a page by id (as {@link outlineDoc} lists it; case and surrounding spaces do not
 * matter), at most `maxChars` characters of it (cut at a line end when one is near), or
 * undefined when the page has no such section.
 */
export function sectionById (markdown: string, id: string, maxChars = Number.POSITIVE_INFINITY): SectionText | undefined {
  const wanted = id.trim().toLowerCase()
  const found = sections(markdown).find(s => s.id === wanted)
  if (found === undefined) return undefined
  const text = found.text.replace(/\n+$/, '\n')
  if (text.length <= maxChars) return { id: found.id, title: found.title, markdown: text, truncated: false, chars: text.length }
  const limit = Math.max(0, Math.floor(maxChars))
  const lineEnd = text.lastIndexOf('\n', limit)
  const end = lineEnd > limit * 0.8 ? lineEnd + 1 : limit
  return { id: found.id, title: found.title, markdown: text.slice(0, end), truncated: true, chars: text.length }
}

/** The page without its metadata block, for a page short enough to return whole. */
export function withoutMetadata (markdown: string): string {
  return markdown.replace(/\n?<details>[\s\S]*?<\/details>\n?/i, '\n').replace(/\n{3,}/g, '\n\n')
}
