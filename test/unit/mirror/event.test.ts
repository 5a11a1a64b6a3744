// command: mirror, the workflow_run event (src/mirror/event.ts): the run it reads and the
// refusals, each saying why.
import { describe, expect, test } from 'vitest'
import { UserError } from '../../../src/errors.ts'
import { readMirroredRun, workflowPathOf } from '../../../src/mirror/event.ts'

describe('the workflow_run event', () => {
  const self = { repository: 'octo-org/repo-a', runId: 900, workflowRef: 'octo-org/repo-a/.github/workflows/mirror.yml@refs/heads/main' }
  const payload = (over: Record<string, unknown> = {}) => ({
    workflow_run: {
      id: 50, run_attempt: 2, head_sha: 'A'.repeat(40), name: 'CI', path: '.github/workflows/ci.yml', status: 'completed',
      repository: { full_name: 'octo-org/repo-a' }, head_repository: { full_name: 'someone/repo-a' }, html_url: 'https://github.com/octo-org/repo-a/actions/runs/50', ...over,
    },
  })
  test('reads the run', () => {
    expect(readMirroredRun('workflow_run', payload(), self)).toEqual({
      id: 50, run_attempt: 2, head_sha: 'a'.repeat(40), name: 'CI', path: '.github/workflows/ci.yml', repository: 'octo-org/repo-a',
      head_repository: 'someone/repo-a', status: 'completed', html_url: 'https://github.com/octo-org/repo-a/actions/runs/50',
    })
    expect(workflowPathOf(self.workflowRef)).toBe('.github/workflows/mirror.yml')
  })
  test('refuses another event, another repository, and the mirror itself, saying why', () => {
    expect(() => readMirroredRun('push', {}, self)).toThrow(/on: workflow_run/)
    expect(() => readMirroredRun('workflow_run', payload({ repository: { full_name: 'evil/repo-a' } }), self)).toThrow(/belongs to evil\/repo-a/)
    expect(() => readMirroredRun('workflow_run', payload({ path: '.github/workflows/mirror.yml' }), self)).toThrow(/this mirror workflow/)
    expect(() => readMirroredRun('workflow_run', payload({ id: 900 }), self)).toThrow(UserError)
    expect(() => readMirroredRun('workflow_run', payload({ head_sha: 'main' }), self)).toThrow(/not a commit sha/)
  })
})
