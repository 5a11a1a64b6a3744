// Preloaded with NODE_OPTIONS=--import=… by the bundle bench: appends the URL of every module the
// process loads to $BENCH_LOADED_FILES, to tell which dist/ chunks a command really loads.
import fs from 'node:fs'
import { registerHooks } from 'node:module'

const out = process.env.BENCH_LOADED_FILES
if (out) {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) fs.appendFileSync(out, `${url}\n`)
      return nextLoad(url, context)
    },
  })
}
