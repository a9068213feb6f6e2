import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/**
 * The documentation corpus behind `GET docs?s=` and `GET docs/<path>`: the markdown files under
 * `platform/switch/docs/` (the file `customer/did.md` is the page `customer/did`), written for
 * this simulation in the shape of the ConnexCS docs. Each file starts with a front-matter block
 * (title, category, audience, difficulty, time, prerequisites); a page is served as its title, a
 * metadata block, then its body. `docs/<path>` answers raw markdown, not JSON, as the real one does.
 */

/** One page of the corpus. */
export interface DocPage {
  path: string
  title: string
  category: string
  audience: string
  difficulty: 'Beginner' | 'Intermediate' | 'Advanced'
  time: string
  prerequisites: string
  body: string
}

const ROOT = join(import.meta.dirname, 'docs')
const FIELDS = ['title', 'category', 'audience', 'difficulty', 'time', 'prerequisites'] as const
const DIFFICULTIES = new Set(['Beginner', 'Intermediate', 'Advanced'])

/** Reads one file: its front matter (`key: value` lines between `---`) and its body. */
export function parsePage (path: string, text: string): DocPage {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'))
  if (match === null) throw new Error(`docs/${path}.md: no front matter (--- key: value lines --- at the top)`)
  const fields: Record<string, string> = {}
  for (const line of match[1]!.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`docs/${path}.md: front matter line is not "key: value": ${line}`)
    fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim().replace(/^"(.*)"$/, '$1')
  }
  for (const field of FIELDS) {
    if ((fields[field] ?? '') === '') throw new Error(`docs/${path}.md: front matter lacks ${field}`)
  }
  const extra = Object.keys(fields).filter(key => !(FIELDS as readonly string[]).includes(key))
  if (extra.length > 0) throw new Error(`docs/${path}.md: unknown front matter ${extra.join(', ')}`)
  if (!DIFFICULTIES.has(fields.difficulty!)) throw new Error(`docs/${path}.md: difficulty must be Beginner, Intermediate or Advanced`)
  return { path, ...(fields as Omit<DocPage, 'path' | 'body'>), body: match[2]!.trim() }
}

function readTree (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = join(dir, entry.name)
    return entry.isDirectory() ? readTree(full) : entry.name.endsWith('.md') ? [full] : []
  })
}

let pages: DocPage[] | undefined

/** Every page, by path (read once, on first use). */
export function docPages (): readonly DocPage[] {
  pages ??= readTree(ROOT)
    .map(file => parsePage(relative(ROOT, file).split(sep).join('/').replace(/\.md$/, ''), readFileSync(file, 'utf8')))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
  return pages
}

/** The path of every page, sorted. */
export function docPaths (): string[] {
  return docPages().map(p => p.path)
}

/** The page at `path` as markdown (ConnexCS's shape: title, metadata block, body), or undefined. */
export function docPage (path: string): string | undefined {
  const page = docPages().find(p => p.path === path.replace(/\.md$/, ''))
  if (page === undefined) return undefined
  return `# ${page.title}

<details> <summary><strong>Document Metadata</strong></summary> <br>

<strong>Category</strong>: ${page.category}<br>
<strong>Audience</strong>: ${page.audience}<br>
<strong>Difficulty</strong>: ${page.difficulty}<br>
<strong>Time Required</strong>: ${page.time}<br>
<strong>Prerequisites</strong>: ${page.prerequisites}<br>

</details>

${page.body}
`
}

/** One result of `GET docs?s=`. */
export interface DocHit {
  public_url: string
  link: string
  body: string
}

/** Pages that mention any word of `query`, best first, with an HTML snippet around the first match. */
export function searchDocs (query: string): DocHit[] {
  const words = query.toLowerCase().split(/[^a-z0-9]+/).filter(w => w.length >= 2)
  if (words.length === 0) return []
  return docPages().map(page => {
    const title = page.title.toLowerCase()
    const body = page.body.toLowerCase()
    const score = words.reduce((s, w) => s + (title.includes(w) ? 3 : 0) + body.split(w).length - 1, 0)
    return { page, score }
  })
    .filter(r => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.page.path < b.page.path ? -1 : 1))
    .map(({ page }) => {
      const found = words.map(w => page.body.toLowerCase().indexOf(w)).filter(i => i >= 0)
      const at = found.length === 0 ? 0 : Math.max(0, Math.min(...found) - 80)
      const snippet = page.body.slice(at, at + 320).replace(/\s+/g, ' ').trim()
      return { public_url: `https://docs.connexcs.com/${page.path}/`, link: page.path, body: `<p>${snippet.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>` }
    })
}
