// The floor of a step (bench/lib/floor.ts): a bare Node process that does only what no step can
// avoid: start, sign once if asked (RS256, as an app JWT), and make FLOOR_REQUESTS round trips
// one after another over one kept-alive loopback connection. No libraries, no files.
import { createSign } from 'node:crypto'
import http from 'node:http'

const requests = Number(process.env.FLOOR_REQUESTS ?? 0)
if (process.env.FLOOR_SIGN_KEY) createSign('RSA-SHA256').update('header.payload').sign(process.env.FLOOR_SIGN_KEY)
const agent = new http.Agent({ keepAlive: true })
const url = `${process.env.GITHUB_API_URL}/rate_limit`
for (let i = 0; i < requests; i++) {
  await new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => res.resume().on('end', resolve).on('error', reject)).on('error', reject)
  })
}
agent.destroy()
