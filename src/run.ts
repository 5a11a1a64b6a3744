// Dispatches the command (loaded by main.ts); each command's code is loaded only when it runs.
import * as core from '@actions/core'
import { UserError } from './errors.ts'

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

try {
  await main()
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  core.setFailed(message)
  if (!(error instanceof UserError) && error instanceof Error && error.stack) core.debug(error.stack)
}
