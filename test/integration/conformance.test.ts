import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { startHttpFront, type HttpFront } from '../../platform/scriptforge/httpFront'
import { BundleFile } from '../../platform/scriptforge/mcpEndpoint'
import { switchClock, testSwitch } from '../helpers/platform'

/**
 * The MCP conformance suite (`@modelcontextprotocol/conformance`, the protocol's own harness, acting
 * as the client) against the local HTTP front, on the bundle in QuickJS. Only the scenarios that hold
 * for any server: the others call fixture tools (`test_simple_text`, `test://static-text`, …) that a
 * ConnexCS server has no reason to register. Version 0.1.11: later ones need Node 22 (`fs.globSync`).
 */
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'prompts-list', 'resources-list', 'dns-rebinding-protection']

const run = promisify(execFile)
const BIN = resolve(import.meta.dirname, '../../node_modules/.bin/conformance')

describe('the MCP conformance suite', () => {
  let front: HttpFront
  // The suite writes its results under its working directory: a scratch one, removed after.
  const scratch = mkdtempSync(join(tmpdir(), 'cx-mcp-conformance-'))
  const sw = testSwitch()
  const host = new ScriptForgeHost({ backend: sw.api, env: { API_USERNAME: 'test@example.com' }, clock: switchClock() })
  const bundle = new BundleFile(resolve(import.meta.dirname, '../../dist/mcp.js'), 'mcp')

  beforeAll(async () => {
    front = await startHttpFront({ host, bundle, port: 0, log: () => {} })
  })

  afterAll(async () => {
    await front.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it.each(SCENARIOS)('passes %s with no failure and no warning', async scenario => {
    const { stdout } = await run(BIN, ['server', '--url', front.url, '--scenario', scenario], { cwd: scratch, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } })
    const [, passed, total, failed, warnings] = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(stdout) ?? []
    expect({ scenario, passed, failed, warnings }).toEqual({ scenario, passed: total, failed: '0', warnings: '0' })
    expect(Number(total)).toBeGreaterThan(0)
  }, 40_000)
})
