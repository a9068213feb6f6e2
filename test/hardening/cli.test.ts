import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSwitch } from '../../platform/switch/index'
import { APP, runCommand, startFakePlatform, tempProject, writeDotEnv, type CommandRun, type FakePlatform } from '../deploy/helpers'
import { ROOT } from '../helpers/server'

/**
 * The command line when stdout is a pipe (issue 13, "Command-line robustness"): everything printed
 * before an exit arrives, and a reader that stops reading ends the output, not the command.
 */

/** Runs a shell pipeline in `cwd` as CI would; its stdout and stderr, and how it exited. */
function shell (cwd: string, command: string, env: Record<string, string> = {}): Promise<CommandRun> {
  return runCommand(cwd, 'bash', ['-c', command], env, 90_000)
}

describe('npm run switch -- --list-scenarios into a pipe', () => {
  it('writes the whole catalog, more than a pipe holds, before it exits', async () => {
    const catalog = JSON.stringify(createSwitch({ seed: 1, nowMs: Date.UTC(2026, 10, 24, 12) }).data.scenarios, null, 2) + '\n'
    // A reader slower than the writer: what was not written when the process exited would be lost.
    const run = await shell(ROOT, 'npm run --silent switch -- --seed 1 --now 2026-11-24T12:00:00Z --list-scenarios | (sleep 1; cat)')
    expect(Buffer.byteLength(catalog)).toBeGreaterThan(65_536)
    expect([run.code, run.stderr]).toEqual([0, ''])
    expect(run.stdout).toBe(catalog)
  })

  it('and the usage of --help whole, with status 0', async () => {
    const run = await shell(ROOT, 'npm run --silent switch -- --help | (sleep 1; cat)')
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe('Usage: npm run switch [-- options]')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('  --help                show this')
  })
})

describe('npm run deploy | head -3', () => {
  let fake: FakePlatform
  let project: ReturnType<typeof tempProject>

  beforeAll(async () => {
    fake = await startFakePlatform()
    project = tempProject()
    writeDotEnv(project.root, fake)
  })

  afterAll(async () => {
    await fake.close()
    project.remove()
  })

  it('ends the output quietly when the reader goes away, and still exits with the deploy\'s outcome', async () => {
    const run = await shell(project.root, 'npm run --silent deploy | head -3; echo "deploy exited ${PIPESTATUS[0]}" >&2')
    expect(run.stdout.split('\n')).toHaveLength(4)
    expect(run.stderr).not.toContain('EPIPE')
    expect(run.stderr.trim()).toBe('deploy exited 0')
    // The update landed whole: every file the build made is there (the entries and the files loaded on demand).
    const built = readdirSync(join(project.root, 'dist')).filter(n => n.endsWith('.js')).map(n => n.slice(0, -3)).sort()
    expect(built).toEqual(expect.arrayContaining(['mcp', 'mcpGetSipTrace', 'selfTest']))
    expect(fake.store.files.filter(f => f.app_id === APP.id).map(f => f.name).sort()).toEqual(built)
  })

  it('and a failed deploy still exits 1', async () => {
    const run = await shell(project.root, 'npm run --silent deploy | head -1; echo "deploy exited ${PIPESTATUS[0]}" >&2', { APP_ID: '999' })
    expect(run.stderr).not.toContain('EPIPE')
    expect(run.stderr.trim().split('\n').at(-1)).toBe('deploy exited 1')
  })
})
