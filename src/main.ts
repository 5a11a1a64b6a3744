// Entry of dist/index.js: runs the action (src/run.ts) when the runner starts it. Node's compile
// cache (in the system temp directory, or NODE_COMPILE_CACHE) lets a job's later steps skip
// compiling the bundle again: every step is a fresh process, and compiling is a good part of a
// step's CPU. It must be on before the bundle loads, hence this file.
import { enableCompileCache } from 'node:module'

try {
  enableCompileCache?.()
} catch {
  // a read-only or full temp directory only costs speed
}
const { run } = await import('./run.ts')
await run()
