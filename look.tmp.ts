import { bundleClient, testSwitch } from './test/helpers/platform'
const sw = testSwitch()
const c = bundleClient(sw.api)
const s = (id: string) => sw.data.scenarios.find(x => x.id === id)!
for (const id of ['no_route', 'ack_lost', 'nat_one_way']) {
  const call = s(id).calls[0]!
  const r = await c.callTool('investigateCall', { callid: call.callid })
  console.log(`== investigateCall ${id} (${JSON.stringify(r.result).length} bytes)`)
  console.log(JSON.stringify(r.result, null, 1).slice(0, 3500))
}
