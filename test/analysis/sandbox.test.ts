import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { ScriptForgeHost } from '../../platform/scriptforge/host'
import { main, type SandboxInput } from './fixtures/sandboxEntry'
import { cancelThen408, failover503Then486, privateNetworkCall, sharedCallidTimeout } from './fixtures/defects'
import { answeredLeg, CARRIER, CUSTOMER, leg, sdp, SWITCH } from './fixtures/sip'

/** The analysis bundled as the build bundles src/: one minified ES2023 module, no imports. */
async function bundled (): Promise<string> {
  const result = await build({
    entryPoints: [new URL('./fixtures/sandboxEntry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    minify: true,
    write: false,
    logLevel: 'silent'
  })
  return result.outputFiles[0]!.text
}

function input (): SandboxInput {
  const natted = leg('call-n', { ip: '203.0.113.77', port: 61044 }, { ip: SWITCH })
  const b = leg('call-b', { ip: SWITCH }, { ip: CARRIER })
  return {
    traces: [
      [...answeredLeg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2100, answer: 8100, bye: 68100 }), ...answeredLeg('call-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 2080, answer: 8080, bye: 68110 }, { answer: [0] })],
      [
        natted.req(0, 'INVITE', { branch: 'z9hG4bKn', cseq: 1, via: 'SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKn;rport', contact: '<sip:1@192.168.1.20>', body: sdp('192.168.1.20', [18, 101]) }),
        b.req(40, 'INVITE', { branch: 'z9hG4bKb', cseq: 1, body: sdp(SWITCH, [18, 101]) }),
        ...[540, 1540, 3540].map(t => b.req(t, 'INVITE', { branch: 'z9hG4bKb', cseq: 1, body: sdp(SWITCH, [18, 101]) })),
        b.res(3600, 488, 'Not Acceptable Here', { branch: 'z9hG4bKb', cseq: 1, toTag: 'c', headers: ['Warning: 304 x "Media type not available"'] }),
        natted.res(3650, 488, 'Not Acceptable Here', { branch: 'z9hG4bKn', cseq: 1, toTag: 's' })
      ],
      sharedCallidTimeout(), cancelThen408(), failover503Then486(), privateNetworkCall('ula')
    ],
    rtcp: [{ processed: [{ leg: 'A', direction: 'in', jitter: 12, packet_loss: 0.4, rtt: 80, mos: 4.3 }], aggregate: { mos: { mean: 4.3 } } }, [{ callid: 'call-b', inbound: { jitter_ms: 45, fraction_lost: 9 } }]],
    records: Array.from({ length: 500 }, (_, i) => ({ time: 1_767_225_600 + i * 97, sip_code: [200, 486, 503, 200, 487][i % 5]!, duration_s: i % 9 * 15, pdd_ms: 800 + i % 13 * 250, provider: `p${i % 3}` })),
    numbers: ['+44 7700 900123', '44447700900123', '7001#+0044 7700 900123', '+1 1 415 555 0123', '4407700900123']
  }
}

describe('the analysis in the ScriptForge sandbox', () => {
  it('gives the same answers in QuickJS as in Node', async () => {
    const host = new ScriptForgeHost({ backend: async () => Promise.reject(new Error('no API in this test')) })
    const data = input()
    const run = await host.run({ files: { analysis: await bundled() }, entry: 'analysis', data })
    if (!run.ok) throw new Error(`${run.error.kind}: ${run.error.message}`)
    const node = JSON.parse(JSON.stringify(main(data))) as Record<string, unknown>
    expect(run.value).toEqual(node)
    // And the answers are the substantial ones, not two empty results agreeing.
    expect((node.diagnoses as Array<{ root_cause: { code: string } | null }>).map(d => d.root_cause?.code ?? null)).toEqual([
      'dtmf_not_negotiated', 'codec_mismatch', 'carrier_timeout', 'cancel_unanswered', 'carrier_rejected', null
    ])
    const docs = node.docs as { paths: { ok: boolean }[], ranked: { path: string }[], prompts: unknown[] }
    expect([docs.paths.map(p => p.ok), docs.ranked.map(r => r.path), docs.prompts.length])
      .toEqual([[true, false, false, false, false, false, false, false, true], ['customer/did', 'did/billing'], 7])
  })
})
