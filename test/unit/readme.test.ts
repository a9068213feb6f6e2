import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { README, readmeWithTable, toolTable } from '../../scripts/lib/readme'
import { ALIASES } from '../../src/tools/aliases'
import { tools } from '../../src/tools/index'

describe('README', () => {
  const readme = readFileSync(README, 'utf8')

  it('has the tool table the tool definitions make (run npm run docs after changing a tool)', () => {
    expect(readmeWithTable(readme)).toBe(readme)
    for (const tool of tools) expect(toolTable()).toContain(`| \`${tool.name}\` (${tool.title}) |`)
    for (const [name, alias] of Object.entries(ALIASES)) expect(toolTable()).toContain(`| \`${name}\` | \`${alias.tool}\` |`)
  })

  it('shows the two commands that .ci/run runs', () => {
    expect(readme).toContain('npm ci && npm start')
    expect(readme).toContain('npm ci && npm test')
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm ci && npm test$/m)
  })
})
