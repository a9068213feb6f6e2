/**
 * Documentation paths: which ones may be sent to `GET docs/<path>`, and which known paths are
 * closest to one that does not exist. A path is relative, like `customer/did`; anything that could
 * name another endpoint or escape the docs tree is refused with the reason, before any request.
 */

/** The longest path accepted, in characters. */
export const MAX_DOC_PATH_LENGTH = 200

/** Why a path was refused: a stable code and a sentence for the caller. */
export interface DocPathRefusal {
  ok: false
  code: 'empty' | 'too_long' | 'control_character' | 'backslash' | 'scheme' | 'absolute' | 'encoded' | 'traversal'
    | 'empty_segment' | 'query_or_fragment' | 'character'
  reason: string
  /** A path to try instead, when the input names one (a docs URL, a trailing slash). */
  suggestion?: string
}

/** The outcome of {@link checkDocPath}: the normalised path, or why it was refused. */
export type DocPathCheck = { ok: true, path: string } | DocPathRefusal

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
const DOCS_SITE = /^https?:\/\/docs\.connexcs\.com\/+([^?#]*)/i

function refuse (code: DocPathRefusal['code'], reason: string, suggestion?: string): DocPathRefusal {
  return { ok: false, code, reason, ...(suggestion === undefined || suggestion === '' ? {} : { suggestion }) }
}

/** The text with every percent escape decoded, up to `rounds` times (double encoding too); malformed escapes stay. */
function decodeRepeatedly (text: string, rounds: number): string[] {
  const forms = [text]
  let current = text
  for (let i = 0; i < rounds && current.includes('%'); i++) {
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      next = current.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    }
    if (next === current) break
    forms.push(next)
    current = next
  }
  return forms
}

/** `customer/did` from a docs URL or a path with `.md` or a trailing slash; no validation. */
function tidy (path: string): string {
  return path.replace(/\/+$/, '').replace(/\.md$/i, '')
}

/**
 * Checks a documentation path. Accepted: segments of letters, digits, `.`, `_` and `-` joined by
 * `/`, optionally ending in `.md` or `/` (both dropped). Refused, with the reason: an empty path,
 * NUL or other control characters, backslashes, a scheme (`http:`, `file:`, `connexcs-docs:`), a
 * leading `/` or `~`, any percent escape (`%2e%2e` in any case, double-encoded too, is named as
 * traversal), `.` or `..` segments, empty segments, `?` or `#`, and any other character.
 */
export function checkDocPath (input: string): DocPathCheck {
  const path = input.trim()
  if (path === '') return refuse('empty', 'the path is empty; give one like customer/did (the documentation search lists paths)')
  if (path.length > MAX_DOC_PATH_LENGTH) {
    return refuse('too_long', `the path is ${path.length} characters long; documentation paths are at most ${MAX_DOC_PATH_LENGTH}`)
  }
  // Control characters (NUL included) are what the check is for.
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(path)
  if (control !== null) {
    const code = control[0].charCodeAt(0)
    const name = code === 0 ? 'NUL' : `U+${code.toString(16).padStart(4, '0').toUpperCase()}`
    return refuse('control_character', `the path holds a control character (${name}); paths are plain text`)
  }
  if (path.includes('\\')) return refuse('backslash', 'the path holds a backslash; documentation paths use / between segments, like customer/did')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(path)
  if (scheme !== null) {
    const site = DOCS_SITE.exec(path)
    const reason = `the path starts with a scheme (${scheme[1]!.toLowerCase()}:); ` +
      'give the path inside the documentation, like customer/did, not a URL'
    return refuse('scheme', reason, site === null ? undefined : tidy(site[1]!))
  }
  if (path.startsWith('/') || path.startsWith('~')) {
    return refuse('absolute', 'the path is absolute; documentation paths are relative, like customer/did', tidy(path.replace(/^[/~]+/, '')))
  }
  if (path.includes('%')) {
    const decoded = decodeRepeatedly(path, 4)
    if (decoded.some(form => /(^|[/\\])\.\.?([/\\]|$)/.test(form))) {
      return refuse('traversal', 'the path holds an encoded . or .. segment (%2e); a documentation path cannot leave the documentation')
    }
    return refuse('encoded', 'the path holds percent escapes; give it as plain text (segments of letters, digits, . _ -), it is encoded when sent')
  }
  if (/[?#]/.test(path)) {
    return refuse('query_or_fragment', 'the path holds ? or #; a documentation path has no query or fragment', tidy(path.replace(/[?#].*$/, '')))
  }
  const tidied = tidy(path)
  const segments = tidied.split('/')
  if (segments.some(s => s === '.' || s === '..')) {
    return refuse('traversal', 'the path holds a . or .. segment; a documentation path cannot leave the documentation')
  }
  if (segments.some(s => s === '')) return refuse('empty_segment', 'the path holds an empty segment (//)', segments.filter(s => s !== '').join('/'))
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find(ch => !/[A-Za-z0-9._-]/.test(ch))
      return refuse('character', bad === undefined
        ? `the segment "${segment}" must start with a letter or digit`
        : `the path holds ${JSON.stringify(bad)}; segments are letters, digits, . _ and -`)
    }
  }
  return { ok: true, path: tidied }
}

/** The words of a path or query: lower case, split on anything but letters and digits. */
export function pathWords (text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(w => w !== '')
}

/** The Levenshtein distance between two strings (insertions, deletions, substitutions). */
export function editDistance (a: string, b: string): number {
  if (a === b) return 0
  let previous = Array.from({ length: b.length + 1 }, (_v, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** One candidate for a missing path, with what made it close. */
export interface ClosePath {
  path: string
  /** Words of the missing path the candidate shares (whole words, or one a prefix of the other). */
  shared_words: string[]
  distance: number
}

/** Whether two words are the same word, one being the other plus a short ending (did/dids, trace/traces). */
function sameWord (a: string, b: string): boolean {
  if (a === b) return true
  const [short, long] = a.length < b.length ? [a, b] : [b, a]
  return short.length >= 3 && long.startsWith(short) && long.length - short.length <= 3
}

/**
 * The known paths closest to `missing`, best first, at most `limit`: those sharing more words,
 * then the smaller edit distance, then alphabetical. A candidate that shares no word is kept
 * only when the edit distance is at most a third of the longer path (a typo such as
 * `customer/dids`); the missing path itself is never proposed.
 */
export function closestPaths (missing: string, known: readonly string[], limit = 3): ClosePath[] {
  const target = tidy(missing.trim().toLowerCase())
  const words = [...new Set(pathWords(target))]
  const seen = new Set<string>()
  const scored: ClosePath[] = []
  for (const path of known) {
    const lower = path.toLowerCase()
    if (lower === target || seen.has(path)) continue
    seen.add(path)
    const theirs = pathWords(lower)
    const shared = words.filter(w => theirs.some(t => sameWord(w, t)))
    const distance = editDistance(target, lower)
    if (shared.length === 0 && distance > Math.max(target.length, lower.length) / 3) continue
    scored.push({ path, shared_words: shared, distance })
  }
  return scored
    .sort((a, b) => b.shared_words.length - a.shared_words.length || a.distance - b.distance || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, Math.max(0, limit))
}
