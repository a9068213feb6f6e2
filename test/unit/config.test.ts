import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig, validateConfig } from '../../scripts/lib/config'
import { VERSION } from '../../src/version'

const good = { app: 'cx-mcp', apiBaseUrl: 'https://app.connexcs.com/api/cp/', outDir: 'dist', entries: [{ source: 'src/mcp.ts', name: 'mcp' }] }

function message (config: unknown): string {
  try {
    validateConfig(config)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the config to be refused')
}

describe('cx.config.json', () => {
  it('loads the committed config', () => {
    expect(loadConfig()).toEqual({ ...good, loading: 'lazy', entries: [...good.entries, { source: 'src/selfTest.ts', name: 'selfTest' }] })
  })

  it('names the wrong key and the fix', () => {
    expect(message([])).toBe('cx.config.json: must be a JSON object with keys app, apiBaseUrl, outDir, entries')
    expect(message({ ...good, name: 'x' })).toBe('cx.config.json: unknown key "name"; the keys are app, apiBaseUrl, outDir, entries, loading')
    expect(message({ ...good, app: ' ' })).toBe('cx.config.json: "app" must be the ScriptForge app\'s name, a non-empty string')
    expect(message({ ...good, apiBaseUrl: 'https://app.connexcs.com/api/cp' }))
      .toBe('cx.config.json: "apiBaseUrl" must be an http(s) URL ending in "/", e.g. "https://app.connexcs.com/api/cp/"; got "https://app.connexcs.com/api/cp"')
    expect(message({ ...good, outDir: '../out' })).toBe('cx.config.json: "outDir" must be a folder inside the project, e.g. "dist"; got "../out"')
    expect(message({ ...good, loading: 'eager' }))
      .toBe('cx.config.json: "loading" must be "lazy" (each tool\'s file loaded with import() on its first call) or "bundle" (one file); got "eager"')
    expect(message({ ...good, entries: [] })).toBe('cx.config.json: "entries" must be a non-empty array of { "source": "src/<file>.ts", "name": "<ScriptForge file name>" }')
    expect(message({ ...good, entries: [{ source: 'src/tools/getSipTrace.ts', name: 'x' }] }))
      .toBe('cx.config.json: entries[0].source must be a TypeScript file directly in src/, e.g. "src/mcp.ts"; got "src/tools/getSipTrace.ts"')
    expect(message({ ...good, entries: [{ source: 'src/nope.ts', name: 'x' }] })).toBe('cx.config.json: entries[0].source "src/nope.ts" does not exist')
    expect(message({ ...good, entries: [{ source: 'src/mcp.ts', name: 'mcp.js' }] }))
      .toBe('cx.config.json: entries[0].name must be a ScriptForge file name: a letter, then letters, digits, _ or -, no extension (e.g. "mcp"); got "mcp.js"')
    expect(message({ ...good, entries: [good.entries[0], good.entries[0]] })).toBe('cx.config.json: entries[1].name "mcp" is used twice; each entry needs its own ScriptForge file')
    expect(message({ ...good, entries: [{ source: 'src/mcp.ts', name: 'mcp', file: 'x' }] })).toBe('cx.config.json: entries[0] has an unknown key "file"; an entry has only "source" and "name"')
  })
})

describe('version', () => {
  it('is the package version', () => {
    expect(VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version)
  })
})
