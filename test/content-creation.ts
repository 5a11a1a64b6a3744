// Counting what GitHub counts against an installation's content-creation limit (80 a minute,
// 500 an hour): every REST POST/PATCH/PUT/DELETE and every GraphQL mutation made with its token
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
// The same rule as the emulator's secondary limit (test/emulator/github/server.ts); JWT requests
// (the token mint) are the app's, not the installation's.
import type { RecordedRequest } from './emulator/github/index.ts'

export function contentCreating(requests: RecordedRequest[]): { total: number; deletes: number; mutations: number; rest: number } {
  let deletes = 0
  let mutations = 0
  let rest = 0
  for (const r of requests) {
    if (r.auth !== 'installation') continue
    if (r.path === '/graphql') mutations += r.graphqlOperations?.length ?? 0
    else if (r.method === 'DELETE') deletes++
    else if (['POST', 'PATCH', 'PUT'].includes(r.method)) rest++
  }
  return { total: deletes + mutations + rest, deletes, mutations, rest }
}
