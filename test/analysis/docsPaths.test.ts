import { describe, expect, it } from 'vitest'
import { checkDocPath, closestPaths, editDistance, MAX_DOC_PATH_LENGTH, pathWords } from '../../src/analysis/docsPaths'

const code = (path: string): string => {
  const check = checkDocPath(path)
  return check.ok ? `ok:${check.path}` : check.code
}

describe('checkDocPath', () => {
  it('accepts relative paths and normalises .md, a trailing slash and surrounding spaces', () => {
    expect(['customer/did', ' customer/did.md ', 'customer/did/', 'routing', 'guides/tshoot-signal', 'apps/v2.1_notes', 'customer/DID.MD'].map(code))
      .toEqual(['ok:customer/did', 'ok:customer/did', 'ok:customer/did', 'ok:routing', 'ok:guides/tshoot-signal', 'ok:apps/v2.1_notes',
        'ok:customer/DID'])
  })

  it('refuses every traversal form: plain, encoded in any case, double-encoded, mixed', () => {
    const forms = ['..', '../etc/passwd', 'a/../b', 'a/..', './a', 'a/.', '%2e%2e', '%2e%2e/x', '%2E%2E/x', '%2e%2E%2fx', 'a/%2e%2e', '%252e%252e/x',
      '%25252e%25252e', '..%2fsecret', 'customer%2f..%2f..%2fsetup', '.%2e/x']
    expect(forms.map(code)).toEqual(forms.map(() => 'traversal'))
  })

  it('refuses absolute paths, schemes, backslashes and NUL, saying why', () => {
    expect(checkDocPath('/etc/passwd')).toEqual({ ok: false, code: 'absolute',
      reason: 'the path is absolute; documentation paths are relative, like customer/did', suggestion: 'etc/passwd' })
    expect(checkDocPath('http://evil.example/x')).toEqual({
      ok: false, code: 'scheme', reason: 'the path starts with a scheme (http:); give the path inside the documentation, like customer/did, not a URL'
    })
    expect(checkDocPath('HTTPS://docs.connexcs.com/customer/did/')).toMatchObject({ code: 'scheme', suggestion: 'customer/did' })
    expect(checkDocPath('a\\b')).toEqual({ ok: false, code: 'backslash',
      reason: 'the path holds a backslash; documentation paths use / between segments, like customer/did' })
    expect(checkDocPath('customer/did\u0000.md')).toEqual({ ok: false, code: 'control_character',
      reason: 'the path holds a control character (NUL); paths are plain text' })
    expect(checkDocPath('a\nb')).toMatchObject({ code: 'control_character',
      reason: 'the path holds a control character (U+000A); paths are plain text' })
    expect(['file:///etc/passwd', 'javascript:alert(1)', 'connexcs-docs://customer/did', 'c:/windows', '~/x', '//host/share', '..\\..\\x'].map(code))
      .toEqual(['scheme', 'scheme', 'scheme', 'scheme', 'absolute', 'absolute', 'backslash'])
  })

  it('refuses escapes, queries, fragments, empty segments and odd characters', () => {
    expect(['customer%2Fdid', 'customer/d%69d', '', '   ', 'a//b', 'a?b=1', 'a#x', 'a b', 'café', '.hidden', 'a/-x',
      'x'.repeat(MAX_DOC_PATH_LENGTH + 1)].map(code))
      .toEqual(['encoded', 'encoded', 'empty', 'empty', 'empty_segment', 'query_or_fragment', 'query_or_fragment', 'character', 'character',
        'character', 'character', 'too_long'])
    expect(checkDocPath('a//b')).toMatchObject({ suggestion: 'a/b' })
    expect(checkDocPath('customer/did?x=1')).toMatchObject({ suggestion: 'customer/did' })
    expect(checkDocPath('a b')).toMatchObject({ reason: 'the path holds " "; segments are letters, digits, . _ and -' })
    expect(checkDocPath('.hidden')).toMatchObject({ reason: 'the segment ".hidden" must start with a letter or digit' })
  })
})

describe('closestPaths', () => {
  const known = ['customer/did', 'customer/cdr', 'customer/auth', 'did/inbound-routing', 'did/billing', 'routing', 'routing/failover',
    'guides/nat-traversal', 'setup/rtp']

  it('ranks by shared words, then edit distance, then name', () => {
    expect(closestPaths('customer/dids', known)).toEqual([
      { path: 'customer/did', shared_words: ['customer', 'dids'], distance: 1 },
      { path: 'customer/cdr', shared_words: ['customer'], distance: 3 },
      { path: 'customer/auth', shared_words: ['customer'], distance: 4 }
    ])
    expect(closestPaths('did/routing', known, 4).map(c => c.path)).toEqual(['did/inbound-routing', 'did/billing', 'routing', 'customer/did'])
    expect(closestPaths('nat', known)).toEqual([{ path: 'guides/nat-traversal', shared_words: ['nat'], distance: 17 }])
  })

  it('keeps a typo with no shared word, never the missing path itself, nothing unrelated', () => {
    expect(closestPaths('setup/rpt', known)).toEqual([{ path: 'setup/rtp', shared_words: ['setup'], distance: 2 }])
    expect(closestPaths('rooting', known)).toEqual([{ path: 'routing', shared_words: [], distance: 1 }])
    expect(closestPaths('routing', known).map(c => c.path)).toEqual(['routing/failover', 'did/inbound-routing'])
    expect(closestPaths('zzz/qqq', known)).toEqual([])
    expect(closestPaths('customer/did', known, 0)).toEqual([])
  })

  it('measures edit distance and splits words', () => {
    expect([editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('same', 'same'), editDistance('flaw', 'lawn')]).toEqual([3,
      3, 0, 2])
    expect(pathWords('guides/NAT-traversal_2.md')).toEqual(['guides', 'nat', 'traversal', '2', 'md'])
  })
})
