// Who wrote a line of the step's log, told apart with an AsyncLocalStorage context (it follows
// the promises, timers, streams and child processes a call starts; the action's own lines printed
// at the same time from elsewhere are not in it), so that:
// - toolkitCall: the toolkit's progress lines (core.info of @actions/artifact and @actions/cache:
//   "Redirecting to blob download url…", "SHA256 digest…", "Cache saved successfully", tar's
//   command line) become ::debug:: lines, shown only with step debug logging (ACTIONS_STEP_DEBUG,
//   RUNNER_DEBUG=1): a step's log holds the action's own lines;
// - groupedOutput: what one piece of work prints is held and then printed as one collapsible
//   group (::group::) with a title known only at its end; nothing printed, no group.
// Workflow commands (::warning::, ::add-mask::…) are never demoted.
import { AsyncLocalStorage } from 'node:async_hooks'
import * as core from '@actions/core'

interface LogContext {
  toolkit?: boolean
  /** Text held for a group; shared by nested contexts. */
  held?: string[]
}

const context = new AsyncLocalStorage<LogContext>()
let write: ((chunk: unknown, ...rest: unknown[]) => boolean) | undefined
const pending = new Set<string[]>()

/** Runs a toolkit call whose plain stdout lines go to the debug log. */
export function toolkitCall<T>(call: () => Promise<T>): Promise<T> {
  install()
  return context.run({ ...context.getStore(), toolkit: true }, call)
}

/**
 * Runs `work`, holding what it prints; then prints it as one group titled `title(result)` when
 * any of it is a visible line (or `extra` adds one), else as it was (debug lines only).
 */
export async function groupedOutput<T>(work: () => Promise<T>, title: (result: T) => string, extra?: (result: T) => string | undefined): Promise<T> {
  install()
  const held: string[] = []
  pending.add(held)
  try {
    const result = await context.run({ held }, work)
    const more = extra?.(result)
    const text = held.join('')
    if (more !== undefined || /^(?!::(debug|add-mask|save-state|set-output)::)\S/m.test(text)) {
      core.startGroup(title(result))
      write!(text)
      if (more !== undefined) core.info(more)
      core.endGroup()
    } else if (text) write!(text)
    return result
  } catch (error) {
    write!(held.join(''))
    throw error
  } finally {
    pending.delete(held)
  }
}

/** `::debug::` lines for plain text; workflow commands unchanged. Escaped as @actions/core escapes data. */
export function demoteToDebug(text: string): string {
  return text.replace(/^(?!::)(.+?)(\r?)$/gm, (_, line: string, cr: string) => `::debug::${line.replace(/%/g, '%25')}${cr}`)
}

function install(): void {
  if (write) return
  const original = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean
  write = original
  process.stdout.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    const ctx = context.getStore()
    if (!ctx || !(typeof chunk === 'string' || Buffer.isBuffer(chunk))) return original(chunk, ...rest)
    const text = ctx.toolkit ? demoteToDebug(String(chunk)) : String(chunk)
    if (!ctx.held) return original(text, ...rest)
    ctx.held.push(text)
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  } as typeof process.stdout.write
  // A step that ends mid-group (an uncaught error, process.exit) still shows what it held.
  process.on('exit', () => {
    for (const held of pending) original(held.join(''))
  })
}
