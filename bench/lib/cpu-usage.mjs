// Preloaded with NODE_OPTIONS=--import=… by bench/lib/steps.ts: at exit, writes the process's own
// CPU time (user and system, microseconds) to $BENCH_CPU_FILE, which a parent cannot read for a
// child in Node.
import fs from 'node:fs'

const out = process.env.BENCH_CPU_FILE
if (out) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage()
    fs.writeFileSync(out, JSON.stringify({ user: userCPUTime, system: systemCPUTime }))
  })
}
