// Dispatches the command; each command's code is loaded only when it runs. It exports run() and
// runs nothing on import: main.ts (dist/index.js, on the runner) calls it, and so does
// @github/local-action, which imports an action's logic and calls its run().
import * as core from '@actions/core'
import { errorText, UserError } from './errors.ts'

const commands: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  token: () => import('./commands/token.ts'),
  queued: () => import('./commands/transition.ts'),
  building: () => import('./commands/transition.ts'),
  built: () => import('./commands/transition.ts'),
  conclude: () => import('./commands/conclude.ts'),
  reconcile: () => import('./commands/reconcile.ts'),
  rerequested: () => import('./commands/rerequested.ts'),
  mirror: () => import('./commands/mirror.ts'),
}

async function main(): Promise<void> {
  const command = (core.getInput('command') || 'token').trim().toLowerCase()
  const load = commands[command]
  if (!load) {
    throw new UserError(
      `Unknown command "${command}": use one of ${Object.keys(commands).join(', ')}.`,
    )
  }
  await (await load()).run()
}

/** Runs the command the inputs name; a failure fails the step (core.setFailed), it never throws. */
export async function run(): Promise<void> {
  try {
    await main()
  } catch (error) {
    const message = errorText(error)
    core.setFailed(message)
    if (!(error instanceof UserError) && error instanceof Error && error.stack) core.debug(error.stack)
  }
}
