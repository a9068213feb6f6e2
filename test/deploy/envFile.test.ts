import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEnv, updateEnvFile, updateEnvText } from '../../scripts/lib/envFile'

describe('env files: reading', () => {
  it('reads keys as dotenv and cx do: quotes, escapes, comments, export, multi-line values', () => {
    const text = [
      '# ConnexCS: Example Telecom Ltd',
      'CX_REFRESH_TOKEN="abc.def.ghi"',
      'APP_ID=42',
      'export API_USERNAME = ops@example.com   # the API user',
      'SINGLE=\'a \\n b # kept\'',
      'DOUBLE="tab\\there \\"q\\" back\\\\slash"',
      'MULTI="line one',
      'line two"',
      'HASH=a#b',
      'EMPTY=',
      'not an assignment',
      'APP_ID=43'
    ].join('\n')
    expect(parseEnv(text)).toEqual({
      CX_REFRESH_TOKEN: 'abc.def.ghi',
      APP_ID: '43',
      API_USERNAME: 'ops@example.com',
      SINGLE: 'a \\n b # kept',
      DOUBLE: 'tab\there "q" back\\slash',
      MULTI: 'line one\nline two',
      HASH: 'a#b',
      EMPTY: ''
    })
  })

  it('reads CRLF files and an unclosed quote as a plain value', () => {
    expect(parseEnv('A=1\r\nB="two"\r\nC="open\r\n')).toEqual({ A: '1', B: 'two', C: '"open' })
  })
})

describe('env files: writing', () => {
  it('replaces a key in place and appends a new one, leaving every other line as it was', () => {
    const before = '# my settings\nAPI_USERNAME=ops@example.com\n\nCX_REFRESH_TOKEN=old-unquoted\n# trailing comment\n'
    expect(updateEnvText(before, [{ key: 'CX_REFRESH_TOKEN', value: 'new.token.value', quoted: true }, { key: 'APP_ID', value: '7' }]))
      .toBe('# my settings\nAPI_USERNAME=ops@example.com\n\nCX_REFRESH_TOKEN="new.token.value"\n# trailing comment\nAPP_ID=7\n')
  })

  it('replaces a multi-line value whole, keeps CRLF line ends, and adds a final line end', () => {
    expect(updateEnvText('A="x\r\ny"\r\nB=2', [{ key: 'A', value: 'z' }])).toBe('A=z\r\nB=2\r\n')
    expect(updateEnvText('', [{ key: 'A', value: 'a b' }])).toBe('A="a b"\n')
  })

  it('quotes and escapes what needs it, and reads back what it wrote', () => {
    const values = { SPACE: 'a b', HASH: 'x #y', QUOTE: 'say "hi"', NEWLINE: 'one\ntwo', BACKSLASH: 'c:\\dir', EMPTY: '', PLAIN: 'abc.def-1' }
    const text = updateEnvText('', Object.entries(values).map(([key, value]) => ({ key, value })))
    expect(text).toBe('SPACE="a b"\nHASH="x #y"\nQUOTE="say \\"hi\\""\nNEWLINE="one\\ntwo"\nBACKSLASH="c:\\\\dir"\nEMPTY=""\nPLAIN=abc.def-1\n')
    expect(parseEnv(text)).toEqual(values)
    expect(() => updateEnvText('', [{ key: 'BAD KEY', value: '1' }])).toThrow('BAD KEY is not a valid environment variable name')
  })

  it('creates the file readable by its owner only (it holds a token)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-env-'))
    try {
      const file = join(dir, '.env')
      writeFileSync(file, 'KEEP=1\n', { mode: 0o644 })
      updateEnvFile(file, [{ key: 'APP_ID', value: '3' }])
      expect(readFileSync(file, 'utf8')).toBe('KEEP=1\nAPP_ID=3\n')
      expect(statSync(file).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
