import { readdirSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALIASES } from '../../src/tools/aliases'
import { tools } from '../../src/tools/index'

// The layers of src/ (README, "Architecture"): tools use connexcs/, analysis/ and lib/; analysis is pure
// and knows no tool; connexcs knows no analysis; and no module imports itself back through others.
const SRC = resolve(import.meta.dirname, '../../src')

function files (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? files(resolve(dir, e.name)) : e.name.endsWith('.ts') ? [resolve(dir, e.name)] : [])
}

const sources = files(SRC).filter(f => !f.endsWith('.d.ts'))
const name = (file: string): string => relative(SRC, file)

/** The src files a file imports (relative imports only; the built-ins are not files). */
function importsOf (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)[^'\n]*from '(\.[^']+)'/gm)].map(m => resolve(dirname(file), `${m[1]}.ts`))
}

const graph = new Map(sources.map(f => [f, importsOf(f)]))

/** Every import loop of a graph, each as a path that ends where it starts. */
function loopsOf (deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const loops: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return
    if (state.get(node) === 'open') {
      loops.push([...path.slice(path.indexOf(node)), node])
      return
    }
    state.set(node, 'open')
    for (const dep of deps.get(node) ?? []) visit(dep, [...path, node])
    state.set(node, 'done')
  }
  for (const node of deps.keys()) visit(node, [])
  return loops
}

describe('the layers of src/', () => {
  it('resolves every relative import to a file of src/', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter(d => !graph.has(d)).map(d => `${name(f)} → ${name(d)}`))
    expect(missing).toEqual([])
  })

  it('has no import loop', () => {
    // The finder itself, on a graph with one loop and one diamond.
    expect(loopsOf(new Map([['a', ['b']], ['b', ['c', 'd']], ['c', ['a']], ['d', []], ['e', ['d', 'b']]]))).toEqual([['a', 'b', 'c', 'a']])
    expect(loopsOf(graph).map(loop => loop.map(name).join(' → '))).toEqual([])
  })

  it('keeps the API layer apart from the analysis, and the analysis apart from the API and the tools', () => {
    const crossing = [...graph].flatMap(([f, deps]) => deps.map(d => [name(f), name(d)] as const))
      .filter(([from, to]) => (from.startsWith('connexcs/') && to.startsWith('analysis/')) ||
        (from.startsWith('analysis/') && (to.startsWith('connexcs/') || to.startsWith('tools/') || to === 'mcp.ts')))
    expect(crossing).toEqual([])
  })

  it('leaves tool names out of the analysis: it returns facts, the tools make next steps', () => {
    const names = new Set([...tools.map(t => t.name), ...Object.keys(ALIASES)])
    const found: string[] = []
    for (const file of sources.filter(f => name(f).startsWith('analysis/'))) {
      // Code only: comments may say which tool shows a fact.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
      for (const word of code.match(/\b[a-z][A-Za-z0-9]+\b/g) ?? []) if (names.has(word)) found.push(`${name(file)}: ${word}`)
    }
    expect([...new Set(found)]).toEqual([])
  })
})
