import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT } from './helpers'

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Workflow {
  on: Record<string, unknown>
  env?: Record<string, string>
  jobs: Record<string, { 'runs-on': string, 'timeout-minutes'?: number, env?: Record<string, string>, steps: Step[] }>
}

const DIR = join(ROOT, '.github/workflows')
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
const load = (file: string) => parse(readFileSync(join(DIR, file), 'utf8'), { prettyErrors: true, strict: true, uniqueKeys: true }) as Workflow
const runs = (workflow: Workflow) => Object.values(workflow.jobs).flatMap(job => job.steps.filter(s => s.run !== undefined).map(s => s.run!.trim()))

/** The npm scripts a shell line runs: `npm run x`, `npm test` (= `npm run test`), `npm start`. */
function npmScripts (line: string): string[] {
  return [...line.matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:--?\S+\s+)*([\w:-]+)|(test|start)\b)/g)].map(m => m[1] ?? m[2]!)
}

describe('GitHub Actions workflows', () => {
  const files = readdirSync(DIR).filter(f => /\.ya?ml$/.test(f)).toSorted()

  it('are the CI gate and the deploy, each valid YAML with jobs and steps', () => {
    expect(files).toEqual(['ci.yml', 'deploy.yml'])
    for (const file of files) {
      const workflow = load(file)
      expect(Object.keys(workflow.jobs).length, file).toBeGreaterThan(0)
      for (const job of Object.values(workflow.jobs)) {
        expect(job['runs-on'], file).toBe('ubuntu-latest')
        expect(job['timeout-minutes'], file).toBeGreaterThan(0)
        for (const step of job.steps) expect(step.run !== undefined || step.uses !== undefined, `${file}: ${JSON.stringify(step)}`).toBe(true)
      }
    }
  })

  it('run only npm commands whose scripts exist in package.json', () => {
    for (const file of files) {
      for (const line of runs(load(file))) {
        expect(line, `${file}: every run step is an npm command`).toMatch(/^npm (ci|test|run \S+)/)
        for (const script of npmScripts(line)) expect(Object.keys(scripts), `${file}: ${line}`).toContain(script)
      }
    }
  })

  it('gate every pull request on lint, typecheck, tests and the build', () => {
    const ci = load('ci.yml')
    expect(Object.keys(ci.on)).toContain('pull_request')
    expect(runs(ci)).toEqual(['npm ci', 'npm run lint', 'npm run typecheck', 'npm run test:run', 'npm run build'])
  })

  it('deploy on push to main and by hand: test, build, deploy with the secrets, then the self-test', () => {
    const deploy = load('deploy.yml')
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null })
    expect(runs(deploy)).toEqual(['npm ci', 'npm test', 'npm run build', 'npm run deploy', 'npm run remote -- selfTest'])
    // The credentials reach the two steps that talk to ConnexCS, through their environment only.
    const credentials = { CX_REFRESH_TOKEN: '${{ secrets.CX_REFRESH_TOKEN }}', APP_ID: '${{ secrets.APP_ID }}', CX_BASE_URL: '${{ vars.CX_BASE_URL }}' }
    const steps = deploy.jobs.deploy!.steps
    expect(steps.filter(s => s.env !== undefined).map(s => [s.run, s.env])).toEqual([['npm run deploy', credentials], ['npm run remote -- selfTest', credentials]])
    expect(deploy.env).toBeUndefined()
    expect(deploy.jobs.deploy!.env).toBeUndefined()
    for (const line of runs(deploy)) expect(line).not.toMatch(/secrets\.|CX_REFRESH_TOKEN/)
  })

  it('reads the commands of a run line as npm does', () => {
    expect(npmScripts('npm run remote -- selfTest')).toEqual(['remote'])
    expect(npmScripts('npm test && npm run --silent build')).toEqual(['test', 'build'])
    expect(npmScripts('npm ci')).toEqual([])
  })
})
