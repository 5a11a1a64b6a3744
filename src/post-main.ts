// Entry of dist/post.js, the post step the runner starts at the end of the job. It reads the
// state from the runner's STATE_<name> variables itself, as core.getState does
// (@actions/core lib/core.js), because importing the toolkit would grow this bundle from about
// 3 KB to about 490 KB, loaded at the end of every job.
import { revokeSavedToken } from './revoke.ts'

await revokeSavedToken((name) => process.env[`STATE_${name}`] || '')
