import { DOC_INDEX } from './analysis/docsIndex'
import { checkDocPath } from './analysis/docsPaths'
import { docTitle, plainText } from './analysis/docsRanking'
import { REFERENCE_TABLES } from './analysis/referenceTables'
import { apiBaseUrl } from './connexcs/apiText'
import { fetchReader, getDoc } from './connexcs/docs'
import type { ToolContext } from './lib/context'

/**
 * The server's resources: the documentation pages it knows (`connexcs-docs://<path>`, markdown,
 * read from the docs API) and the scenario-free reference tables the tools use
 * (`connexcs-reference://<name>`). The docs API lists no pages, so the list is the committed
 * index (`DOC_INDEX`); any other page reads through the template `connexcs-docs://{path}`.
 */

/** The scheme of documentation pages. */
export const DOCS_SCHEME = 'connexcs-docs://'

/** One resource as `resources/list` shows it, and how to read it. */
export interface ResourceDefinition {
  uri: string
  name: string
  title: string
  description: string
  mimeType: 'text/markdown'
  read (ctx: ToolContext): Promise<string>
}

/** A `resources/read` that cannot be answered: a path refused (-32602) or a page that does not exist (-32002). */
export class ResourceError extends Error {
  readonly code: -32602 | -32002

  constructor (code: ResourceError['code'], message: string) {
    super(message)
    this.name = 'ResourceError'
    this.code = code
  }
}

/** The URI of a documentation page. */
export function docUri (path: string): string {
  return `${DOCS_SCHEME}${path}`
}

/** The path a documentation URI names (not checked yet), or undefined for another URI. */
export function docPathOf (uri: string): string | undefined {
  return uri.startsWith(DOCS_SCHEME) ? uri.slice(DOCS_SCHEME.length) : undefined
}

/**
 * A documentation page's markdown. A page the platform's `cxRest` cannot read whole and whose
 * text `fetch` cannot get either comes as its search snippet, with why and where the whole page is.
 *
 * @throws ResourceError -32602 for a path that could leave the documentation; -32002 for a page that does not exist.
 */
export async function readDoc (ctx: ToolContext, path: string): Promise<string> {
  const check = checkDocPath(path)
  if (!check.ok) throw new ResourceError(-32602, `Invalid documentation path ${JSON.stringify(path.slice(0, 80))}: ${check.reason}`)
  const page = await getDoc(ctx.api, check.path, fetchReader(ctx.api, { baseUrl: apiBaseUrl(ctx.env) }))
  if (!page.found) throw new ResourceError(-32002, `Resource not found: there is no documentation page ${check.path}`)
  // A page that stops mid-line came cut off in transit: the reader is told, not handed half a page as whole.
  if (page.complete) return page.cut === true ? `> This page's text stops mid-line: it may be cut off; the whole page: https://docs.connexcs.com/${check.path}/\n\n${page.markdown}` : page.markdown
  return `# ${docTitle(check.path, page.excerpt)}

> Only this page's search snippet could be read: ${page.why}.

${plainText(page.excerpt)}

The whole page: ${page.public_url}
`
}

/** The template that reads any documentation page by its path. */
export const DOC_TEMPLATE = {
  uriTemplate: `${DOCS_SCHEME}{path}`,
  name: 'connexcs-docs',
  title: 'ConnexCS documentation page',
  description: 'Any page of the ConnexCS documentation, by its path as searchDocumentation gives it (customer/did, guides/nat-traversal).',
  mimeType: 'text/markdown'
} as const

/** Every listed resource: the known documentation pages, then the reference tables. */
export const RESOURCES: readonly ResourceDefinition[] = [
  ...DOC_INDEX.map((doc): ResourceDefinition => ({
    uri: docUri(doc.path),
    name: doc.path,
    title: doc.title,
    description: `ConnexCS documentation: ${doc.title}.`,
    mimeType: 'text/markdown',
    read: ctx => readDoc(ctx, doc.path)
  })),
  ...REFERENCE_TABLES.map((table): ResourceDefinition => ({
    uri: table.uri,
    name: table.name,
    title: table.title,
    description: table.description,
    mimeType: table.mimeType,
    read: () => Promise.resolve(table.render())
  }))
]
