// The toolkit's progress lines (core.info of @actions/artifact and @actions/cache: "Redirecting to
// blob download url…", "SHA256 digest…", "Cache saved successfully", tar's command line) are
// demoted to ::debug:: lines, which the runner shows only with step debug logging
// (ACTIONS_STEP_DEBUG, RUNNER_DEBUG=1). A step's log then holds the action's own lines.
// The toolkit calls run inside an AsyncLocalStorage context, so only what they (and the timers,
// streams and child processes they start) write is demoted; the action's own lines printed at
// the same time are not. Workflow commands (::warning::, ::add-mask::…) pass unchanged.
import { AsyncLocalStorage } from 'node:async_hooks'

const context = new AsyncLocalStorage<true>()
let installed = false

/** Runs a toolkit call whose plain stdout lines go to the debug log. */
export function toolkitCall<T>(call: () => Promise<T>): Promise<T> {
  install()
  return context.run(true, call)
}

/** `::debug::` lines for plain text; workflow commands unchanged. Escaped as @actions/core escapes data. */
export function demoteToDebug(text: string): string {
  return text.replace(/^(?!::)(.+?)(\r?)$/gm, (_, line: string, cr: string) => `::debug::${line.replace(/%/g, '%25')}${cr}`)
}

function install(): void {
  if (installed) return
  installed = true
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean
  process.stdout.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    if (context.getStore() && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
      return write(demoteToDebug(String(chunk)), ...rest)
    }
    return write(chunk, ...rest)
  } as typeof process.stdout.write
}
