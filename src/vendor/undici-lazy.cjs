// Bundled in place of the `undici` package (tsconfig.json "paths"): @actions/http-client and
// @actions/github import it at load time, which cost every step about 0.15 s of CPU, though it is
// needed only behind a proxy. The real package loads on first use; a fetch without a proxy
// dispatcher goes to Node's own fetch (undici too, built into Node). The action's own requests
// use neither (src/github/http-fetch.ts); this stand-in only answers those imports.
'use strict'
let real
const undici = () => (real ??= require('undici/index.js'))

class ProxyAgent {
  constructor(...args) {
    return new (undici().ProxyAgent)(...args)
  }
}

function fetch(input, init) {
  return init && init.dispatcher ? undici().fetch(input, init) : globalThis.fetch(input, init)
}

module.exports = { ProxyAgent, fetch }
