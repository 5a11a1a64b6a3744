// Suite-wide: a request GitHub would refuse or ignore (an invalid body, an update asking a
// completed check run to change: test/emulator/github/checks-store.ts) fails the test that made
// it, even where the test itself does not look. A test that provokes one on purpose clears the
// list (`gh.violations.length = 0`) after asserting it.
import { afterEach } from 'vitest'
import { liveEmulators } from '../emulator/live.ts'

afterEach(() => {
  const found: string[] = []
  for (const e of liveEmulators) found.push(...e.violations.splice(0))
  if (found.length > 0) throw new Error(`The GitHub emulator saw requests GitHub would refuse or ignore:\n${found.map((v) => `- ${v}`).join('\n')}`)
})
