// The post step as @github/local-action runs it (`--post src/post.ts`): it imports the file and
// calls run(). Its state goes through core.getState, which local-action replaces with its own
// in-memory store of what main saved (on a runner, getState reads STATE_<name>).
import { getState } from '@actions/core'
import { revokeSavedToken } from './revoke.ts'

export async function run(): Promise<void> {
  await revokeSavedToken(getState)
}
