// Bundled in place of the `undici` package (tsconfig.json "paths"): @actions/http-client and
// @actions/github import it at load time, which cost every step about 0.15 s of CPU, though it is
// needed only behind a proxy. The real package is a dynamic import, so ncc puts it in a chunk of
// its own that loads on the first fetch through a proxy; a fetch without a proxy dispatcher goes
// to Node's own fetch (undici too, built into Node). The action's own requests use neither
// (src/github/http-fetch.ts); this stand-in only answers those imports.
'use strict'
let real
const undici = () => (real ??= import('undici/index.js').then((m) => m.default ?? m))

/**
 * What @actions/http-client makes behind a proxy (at load time, for @actions/github's default
 * fetch, used or not): it only keeps the arguments; the real ProxyAgent is made, once, by the
 * first fetch that goes through it.
 */
class ProxyAgent {
  #args
  #agent
  constructor(...args) {
    this.#args = args
  }

  /** The real undici ProxyAgent (loads undici). */
  async real() {
    const { ProxyAgent: Real } = await undici()
    return (this.#agent ??= new Real(...this.#args))
  }
}

async function fetch(input, init) {
  if (!init || !init.dispatcher) return globalThis.fetch(input, init)
  const u = await undici()
  const dispatcher = init.dispatcher instanceof ProxyAgent ? await init.dispatcher.real() : init.dispatcher
  return u.fetch(input, { ...init, dispatcher })
}

module.exports = { ProxyAgent, fetch }
