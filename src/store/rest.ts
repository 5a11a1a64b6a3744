// The slice of Octokit the stores use for cross-run work (reconcile): artifacts and caches REST.
// An Octokit from @actions/github fits; the stores never see the token itself.

export interface RestResponse {
  status: number
  data: unknown
  headers: Record<string, unknown>
}

export interface RestRequester {
  request(route: string, parameters?: Record<string, unknown>): Promise<RestResponse>
}

export interface RestTarget {
  octokit: RestRequester
  owner: string
  repo: string
}

const PER_PAGE = 100
const MAX_PAGES = 50

/** All items of a paginated list endpoint whose reply is { total_count, [field]: [...] }. */
export async function listAll<T>(
  rest: RestTarget, route: string, field: string, query: Record<string, unknown> = {},
): Promise<T[]> {
  const all: T[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await rest.octokit.request(route, {
      owner: rest.owner, repo: rest.repo, per_page: PER_PAGE, page, ...query,
    })
    const reply = data as { total_count: number } & Record<string, T[]>
    const items = reply[field] ?? []
    all.push(...items)
    if (items.length < PER_PAGE || all.length >= reply.total_count) break
  }
  return all
}

/** The HTTP status of an Octokit RequestError (undefined for other errors). */
export const statusOf = (e: unknown): number | undefined =>
  typeof (e as { status?: unknown })?.status === 'number' ? (e as { status: number }).status : undefined
