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
/** Pages a listing reads at most; tests lower it (GITHUB_APP_CI_LIST_MAX_PAGES), not meant for workflows. */
export const maxPages = (): number => {
  const n = Number(process.env.GITHUB_APP_CI_LIST_MAX_PAGES)
  return Number.isInteger(n) && n > 0 ? n : MAX_PAGES
}

/** All items of a paginated list endpoint whose reply is { total_count, [field]: [...] }. */
export async function listAll<T>(
  rest: RestTarget, route: string, field: string, query: Record<string, unknown> = {},
): Promise<T[]> {
  const all: T[] = []
  for (let page = 1, pages = maxPages(); page <= pages; page++) {
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

/**
 * Items of a newest-first paginated list until the first one `older` says is before what the
 * caller wants (it and the rest are not read). `unread`: how many the page cap left unread
 * (total_count minus those read; 0 when it stopped at an older item or at the end).
 */
export async function listUntil<T>(
  rest: RestTarget, route: string, field: string, query: Record<string, unknown>, older: (item: T) => boolean,
): Promise<{ items: T[]; unread: number }> {
  const items: T[] = []
  let seen = 0
  let total = 0
  for (let page = 1, pages = maxPages(); page <= pages; page++) {
    const { data } = await rest.octokit.request(route, {
      owner: rest.owner, repo: rest.repo, per_page: PER_PAGE, page, ...query,
    })
    const reply = data as { total_count: number } & Record<string, T[]>
    const got = reply[field] ?? []
    total = reply.total_count ?? 0
    for (const item of got) {
      if (older(item)) return { items, unread: 0 }
      items.push(item)
    }
    seen += got.length
    if (got.length < PER_PAGE || seen >= total) return { items, unread: 0 }
  }
  return { items, unread: Math.max(0, total - seen) }
}

/** The HTTP status of an Octokit RequestError (undefined for other errors). */
export const statusOf = (e: unknown): number | undefined =>
  typeof (e as { status?: unknown })?.status === 'number' ? (e as { status: number }).status : undefined
