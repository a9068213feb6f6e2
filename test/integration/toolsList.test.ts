import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { optInTools, tools as alwaysOn } from '../../src/tools/index'
import { bundleClient, testSwitch } from '../helpers/platform'

// Every tool, the opt-in ones too: an app that lists a runnable script registers runScriptForgeFunction.
const tools = [...alwaysOn, ...optInTools.map(o => o.tool)]
const client = bundleClient(testSwitch().api, { env: { API_USERNAME: 'test@example.com', MCP_RUNNABLE_SCRIPTS: 'reports' } })

// One snapshot per tool of what the AI sees. To accept a deliberate change (or a new tool): npm run snapshots
const SNAPSHOTS = resolve(import.meta.dirname, '../snapshots/tools')
const updating = process.env.UPDATE_TOOL_SNAPSHOTS === '1'

describe('tools/list', () => {
  it('matches one committed snapshot per tool, so every change to what the AI sees shows in review', async () => {
    const listed = (await client.rpc('tools/list')).result.tools as Record<string, unknown>[]
    expect(listed.map(t => t.name)).toEqual(tools.map(t => t.name))
    if (updating) mkdirSync(SNAPSHOTS, { recursive: true })
    for (const entry of listed) {
      const file = resolve(SNAPSHOTS, `${String(entry.name)}.json`)
      const seen = JSON.stringify({ name: entry.name, title: entry.title, description: entry.description, inputSchema: entry.inputSchema, annotations: entry.annotations }, null, 2) + '\n'
      if (updating) writeFileSync(file, seen)
      expect(existsSync(file), `no snapshot of ${String(entry.name)}: run npm run snapshots and commit test/snapshots/tools/`).toBe(true)
      expect(seen, `${String(entry.name)} changed: review it, then npm run snapshots`).toBe(readFileSync(file, 'utf8'))
    }
    const stale = readdirSync(SNAPSHOTS).filter(f => !tools.some(t => `${t.name}.json` === f))
    if (updating) for (const f of stale) unlinkSync(resolve(SNAPSHOTS, f))
    else expect(stale, 'snapshots of tools that are gone: run npm run snapshots').toEqual([])
  })

  it('lists the opt-in tools only when the app turns them on', async () => {
    const plain = (await bundleClient(testSwitch().api).rpc('tools/list')).result.tools as { name: string }[]
    expect(plain.map(t => t.name)).toEqual(alwaysOn.map(t => t.name))
  })

  it('gives every tool its metadata record: title, read-only flag, example and self-test case', async () => {
    const listed = (await client.rpc('tools/list')).result.tools as { name: string, title?: string, annotations?: Record<string, boolean> }[]
    for (const tool of tools) {
      expect(tool.title.length, tool.name).toBeGreaterThan(3)
      expect(typeof tool.readOnly, tool.name).toBe('boolean')
      expect(tool.example.length, tool.name).toBeGreaterThan(10)
      expect(typeof tool.selfTest.args, tool.name).toBe('function')
      const entry = listed.find(t => t.name === tool.name)!
      expect([entry.title, entry.annotations?.readOnlyHint, entry.annotations?.destructiveHint, entry.annotations?.openWorldHint]).toEqual([tool.title, tool.readOnly, tool.destructive === true, false])
    }
    // Only the function runner may change the account.
    expect(tools.filter(t => t.destructive === true || !t.readOnly).map(t => t.name)).toEqual(['runScriptForgeFunction'])
  })

  it('names tools in camelCase and describes every parameter', () => {
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-z][A-Za-z0-9]{2,40}$/)
      for (const [name, spec] of Object.entries(tool.params)) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/)
        expect(spec.description.length).toBeGreaterThan(10)
      }
    }
    expect(new Set(tools.map(t => t.name)).size).toBe(tools.length)
  })

  it('keeps descriptions short, since every client loads all of them (about 450 bytes each on average)', () => {
    const sizes = tools.map(t => Buffer.byteLength(t.description))
    expect(Math.max(...sizes)).toBeLessThanOrEqual(600)
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThanOrEqual(450)
  })
})
