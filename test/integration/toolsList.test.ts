import { describe, expect, it } from 'vitest'
import { tools } from '../../src/tools/index'
import { bundleClient, testSwitch } from '../helpers/platform'

const client = bundleClient(testSwitch().api)

describe('tools/list', () => {
  it('matches the committed snapshot, so every change to what the AI sees shows in review', async () => {
    const listed = (await client.rpc('tools/list')).result
    // To accept a deliberate change: npx vitest run test/integration/toolsList.test.ts -u
    await expect(JSON.stringify(listed, null, 2) + '\n').toMatchFileSnapshot('../snapshots/toolsList.json')
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
