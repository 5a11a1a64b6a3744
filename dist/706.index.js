export const id = 706;
export const ids = [706];
export const modules = {

/***/ 53706:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: ./src/auth/inputs.ts + 1 modules
var inputs = __webpack_require__(15571);
// EXTERNAL MODULE: ./src/checks/service-data.ts + 2 modules
var service_data = __webpack_require__(72461);
// EXTERNAL MODULE: ./src/checks/titles.ts
var titles = __webpack_require__(21178);
// EXTERNAL MODULE: ./src/context.ts
var context = __webpack_require__(40788);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(96584);
// EXTERNAL MODULE: ./src/store/naming.ts
var naming = __webpack_require__(27897);
// EXTERNAL MODULE: ./src/checks/conclusion.ts
var conclusion = __webpack_require__(28570);
;// CONCATENATED MODULE: ./src/reconcile/rerequest.ts
// Pure parts of `command: rerequested`: read a forwarded check_run webhook payload, find the suite
// its name and external_id belong to, and pick the workflow job to re-run.



const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/**
 * The check_run webhook payload as a relay forwards it: the whole payload ({ action, check_run,
 * repository, … }), or `{ check_run }`, or the check run object itself (then action rerequested).
 */
function parseRerequest(value) {
    const help = 'payload must be the check_run webhook payload (JSON), e.g. payload: ${{ toJson(github.event.client_payload) }}';
    if (!isObject(value))
        throw new errors/* UserError */.y(`${help}; got ${value === undefined ? 'nothing' : typeof value}.`);
    const run = isObject(value.check_run) ? value.check_run : 'head_sha' in value && 'external_id' in value ? value : undefined;
    if (!run)
        throw new errors/* UserError */.y(`${help}; it has no check_run.`);
    const id = run.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
        throw new errors/* UserError */.y(`${help}; check_run.id is missing or not a number.`);
    const head = run.head_sha;
    if (typeof head !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(head)) {
        throw new errors/* UserError */.y(`${help}; check_run.head_sha is missing or not a commit sha.`);
    }
    const out = {
        action: typeof value.action === 'string' ? value.action : 'rerequested',
        checkRun: {
            id,
            name: typeof run.name === 'string' ? run.name : '',
            head_sha: head.toLowerCase(),
            external_id: typeof run.external_id === 'string' ? run.external_id : '',
        },
    };
    if (typeof run.details_url === 'string' && run.details_url)
        out.checkRun.details_url = run.details_url;
    const app = isObject(run.app) ? run.app.id : undefined;
    if (typeof app === 'number')
        out.checkRun.app_id = app;
    const repo = isObject(value.repository) ? value.repository.full_name : undefined;
    if (typeof repo === 'string' && repo.includes('/'))
        out.repository = repo;
    const requested = isObject(value.requested_action) ? value.requested_action.identifier : undefined;
    if (typeof requested === 'string')
        out.identifier = requested;
    return out;
}
/**
 * The suite a check run belongs to. Its external_id holds only a hash of (repository, head sha,
 * suite), so candidates are taken from its name (every prefix before " / ", as the default
 * templates "{suite} / {build}" and "{suite} / CONCLUSION" write it) and from `extra` (the
 * suite input), and the one whose hash matches is it.
 */
function findSuite(repository, headSha, name, parsed, extra = []) {
    const candidates = new Set(extra.filter(Boolean));
    for (let i = name.indexOf(' / '); i > 0; i = name.indexOf(' / ', i + 1))
        candidates.add(name.slice(0, i));
    for (const suite of candidates) {
        const key = { repository, head_sha: headSha, suite };
        if ((0,service_data/* suiteHash */.fC)(key) === parsed.suite_hash)
            return key;
    }
    return undefined;
}

/** The build id whose external-id key this is, among the recorded builds. */
function buildOf(data, key) {
    return Object.keys(data.check_runs).find((b) => (0,service_data/* buildKey */.sI)(b) === key);
}
/** A job's page names its id: …/actions/runs/<run>/job/<job id>. */
function jobIdFromUrl(url) {
    const m = url ? /\/actions\/runs\/\d+\/job\/(\d+)(?:[/?#]|$)/.exec(url) : null;
    return m ? Number(m[1]) : undefined;
}
/** …/actions/runs/<run>[/attempts/<n>|/job/<id>]: the workflow run (and attempt) a link names. */
function runFromUrl(url) {
    const m = url ? /\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?(?:[/?#]|$)/.exec(url) : null;
    if (!m)
        return undefined;
    return m[2] ? { run_id: Number(m[1]), attempt: Number(m[2]) } : { run_id: Number(m[1]) };
}
/**
 * The job of a run that reported `build`, from the run's job list. `job` is GITHUB_JOB (the
 * job's key): GitHub names a job by its key, a matrix job "<key> (<values>)", unless the
 * workflow gives `name:`. Tried in order, the first rule that leaves exactly one job wins:
 * name = key; name = "<key> (…)"; such a name with the build id among its values; name = the
 * build id; name = the check run's name. Undefined when it stays ambiguous.
 */
function chooseJob(jobs, jobKey, build, checkRunName) {
    const values = (name) => /\((.*)\)$/.exec(name)?.[1]?.split(',').map((v) => v.trim()) ?? [];
    const matrix = jobs.filter((j) => j.name.startsWith(`${jobKey} (`) && j.name.endsWith(')'));
    const rules = [
        jobs.filter((j) => j.name === jobKey),
        matrix,
        matrix.filter((j) => values(j.name).includes(build)),
        jobs.filter((j) => j.name === build),
        jobs.filter((j) => j.name === checkRunName),
    ];
    for (const found of rules)
        if (found.length === 1)
            return found[0];
    return undefined;
}
/**
 * The workflow runs to re-run failed jobs of when the suite's CONCLUSION run is re-requested:
 * those that reported a build that failed or never finished, newest generation only.
 */
function runsToRerun(data, warningAs) {
    const records = Object.values(data.check_runs);
    const failing = (r) => r.state !== 'built' || (0,conclusion/* verdictOf */.Vj)(r.conclusion, warningAs) === 'fail';
    const runs = new Set();
    for (const r of records)
        if (failing(r) && r.reporter)
            runs.add(r.reporter.run_id);
    return [...runs].sort((a, b) => a - b);
}

// EXTERNAL MODULE: ./src/commands/session.ts + 8 modules
var commands_session = __webpack_require__(31243);
;// CONCATENATED MODULE: ./src/commands/rerequested.ts
// command: rerequested — GitHub sends a check run's `rerequested` event only to the webhook of
// the app that created it; workflows never see it. With a relay that forwards that webhook as a
// repository_dispatch (client_payload), this re-runs the job that reported the build
// (`POST …/actions/jobs/{job_id}/rerun`), or, for the suite's CONCLUSION run, the failed jobs
// of the runs that reported failed builds (`POST …/actions/runs/{run_id}/rerun-failed-jobs`).
// The re-run job reports a new generation and updates the same check run.
// Requests: the token's, one listing of the state (artifact/cache stores) and one read, one
// listing of the run's jobs unless the check run's details_url names the job, and the re-runs.










async function run() {
    const ctx = (0,context/* readRunContext */.$)();
    const common = (0,commands_session/* readCommonInputs */.di)(ctx);
    const request = parseRerequest(readPayload(ctx.eventName, ctx.payload));
    const app = (0,inputs/* readAppInputs */.$j)();
    if (request.action !== 'rerequested') {
        core/* notice */.lm(`The forwarded check_run event is "${request.action}", not "rerequested": nothing to re-run.`);
        return;
    }
    if (request.repository && request.repository.toLowerCase() !== ctx.repository.toLowerCase()) {
        throw new errors/* UserError */.y(`The forwarded check run belongs to ${request.repository}, but this workflow runs in ${ctx.repository}: ` +
            'forward the event to the repository whose check run it is.');
    }
    const parsed = (0,service_data/* parseExternalId */.Wt)(request.checkRun.external_id);
    if (!parsed) {
        core/* notice */.lm(`Check run ${request.checkRun.id} ("${request.checkRun.name}") was not made by github-app-ci (no external_id of ours): nothing to re-run.`);
        return;
    }
    // Unless permission-* inputs say otherwise: re-run jobs (actions: write, which also lists jobs
    // and reads the artifact and cache stores). Not revoked, like every check command (session.ts).
    const session = await (0,commands_session/* openSession */.fA)({ ctx, inputs: common, app: app.permissions ? app : { ...app, permissions: { actions: 'write' } } });
    if (request.checkRun.app_id !== undefined && session.auth.appId !== undefined && request.checkRun.app_id !== session.auth.appId) {
        core/* notice */.lm(`Check run ${request.checkRun.id} belongs to app ${request.checkRun.app_id}, not to this app (${session.auth.appId}): nothing to re-run.`);
        return;
    }
    const suiteInput = core/* getInput */.V4('suite').trim();
    const key = findSuite(ctx.repository, request.checkRun.head_sha, request.checkRun.name, parsed, suiteInput ? [suiteInput] : []);
    const data = key ? await readState(session, key) : undefined;
    const lines = parsed.build_key === (0,service_data/* buildKey */.sI)(commands_session/* CONCLUSION_BUILD */.PB)
        ? await rerunFailed(session, request, data)
        : await rerunBuild(session, request, parsed.build_key, data);
    if (process.env.GITHUB_STEP_SUMMARY) {
        await core/* summary */.z.addRaw(`### Re-requested: ${(0,titles/* escapeMarkdown */.FV)(request.checkRun.name)}\n\n${lines.join('\n')}\n`).write().catch(() => undefined);
    }
}
function readPayload(eventName, event) {
    const text = core/* getInput */.V4('payload').trim();
    if (text) {
        try {
            return JSON.parse(text);
        }
        catch {
            throw new errors/* UserError */.y('payload is not valid JSON: pass it as payload: ${{ toJson(github.event.client_payload) }}.');
        }
    }
    if (eventName === 'repository_dispatch' && event.client_payload !== undefined)
        return event.client_payload;
    if (eventName === 'check_run')
        return event;
    throw new errors/* UserError */.y('rerequested needs the forwarded check_run webhook payload: run it on repository_dispatch (the relay puts the ' +
        'payload in client_payload) or give payload: ${{ toJson(github.event.client_payload) }}.');
}
/** The suite's state across runs (every store keeps fragments under the suite's hash). */
async function readState(session, key) {
    try {
        const hash = (0,naming/* suiteHash */.fC)(key);
        const refs = (await session.store.listAllFragments()).filter((r) => r.suite_hash === hash);
        const documents = [];
        for (const ref of refs) {
            try {
                const data = (0,service_data/* parseServiceData */.DK)((await session.store.readFragment(ref)).text);
                if ((0,service_data/* sameSuite */.Xz)(data, key))
                    documents.push(data);
            }
            catch (error) {
                if (!(error instanceof service_data/* CorruptStateError */.z6))
                    throw error;
            }
        }
        return documents.length > 0 ? (0,service_data/* mergeAll */.Um)(key, documents) : undefined;
    }
    catch (error) {
        core/* warning */.$e(`The state could not be read (${error instanceof Error ? error.message : String(error)}): going by the check run's details link.`);
        return undefined;
    }
}
async function rerunBuild(session, request, key, data) {
    const { ctx, github } = session;
    const cr = request.checkRun;
    const build = data ? buildOf(data, key) : undefined;
    const record = build !== undefined ? data.check_runs[build] : undefined;
    // The job's own page names its id: no lookup needed.
    let jobId = jobIdFromUrl(cr.details_url) ?? jobIdFromUrl(record?.reporter?.job_url) ?? jobIdFromUrl(record?.details_url);
    if (jobId === undefined) {
        const runId = record?.reporter?.run_id ?? runFromUrl(cr.details_url)?.run_id;
        const jobKey = record?.reporter?.job;
        if (runId === undefined || jobKey === undefined) {
            throw new errors/* UserError */.y(`Cannot tell which job reported check run ${cr.id} ("${cr.name}"): the state has no record of it and its details link ` +
                'does not name a job. Set details-url on the transitions to the job\'s page: ' +
                '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.');
        }
        const jobs = await listJobs(session, runId);
        const job = chooseJob(jobs, jobKey, build ?? key, cr.name);
        if (!job) {
            throw new errors/* UserError */.y(`Cannot tell which job of workflow run ${runId} reported build "${build ?? key}" (job key "${jobKey}"; jobs: ` +
                `${jobs.map((j) => `"${j.name}"`).slice(0, 20).join(', ') || 'none'}). Set details-url on the transitions to the job's page: ` +
                '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.');
        }
        jobId = job.id;
    }
    try {
        await github.request('POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun', { owner: ctx.owner, repo: ctx.repo, job_id: jobId });
    }
    catch (error) {
        throw new errors/* UserError */.y(`GitHub refused to re-run job ${jobId} for check run "${cr.name}": ${(0,client/* githubMessage */.hg)(error)} (the token needs actions: write).`);
    }
    const line = `Re-running job ${jobId} (build "${build ?? key}"): its transitions update check run ${cr.id} in a new generation.`;
    core/* info */.pq(line);
    core/* setOutput */.uH('check-runs', JSON.stringify({ [build ?? key]: { id: cr.id, url: null, state: record?.state ?? null, synced: record?.state_synced ?? true } }));
    return [(0,titles/* escapeMarkdown */.FV)(line)];
}
async function listJobs(session, runId) {
    const { ctx, github } = session;
    try {
        const jobs = await github.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
            owner: ctx.owner,
            repo: ctx.repo,
            run_id: runId,
            filter: 'latest',
            per_page: 100,
        });
        return jobs.map((j) => ({ id: j.id, name: j.name, run_attempt: j.run_attempt }));
    }
    catch (error) {
        throw new errors/* UserError */.y(`Could not list the jobs of workflow run ${runId}: ${(0,client/* githubMessage */.hg)(error)} (the token needs actions: read).`);
    }
}
async function rerunFailed(session, request, data) {
    const { ctx, github } = session;
    const cr = request.checkRun;
    let runs = data ? runsToRerun(data, session.inputs.warningAs) : [];
    if (runs.length === 0 && !data) {
        const fromLink = runFromUrl(cr.details_url)?.run_id;
        if (fromLink !== undefined)
            runs = [fromLink];
    }
    if (runs.length === 0) {
        const line = `The suite of "${cr.name}" has no failed or unfinished build: nothing to re-run.`;
        core/* notice */.lm(line);
        return [(0,titles/* escapeMarkdown */.FV)(line)];
    }
    const lines = [];
    const failures = [];
    for (const runId of runs) {
        try {
            await github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', { owner: ctx.owner, repo: ctx.repo, run_id: runId });
            lines.push(`Re-running the failed jobs of workflow run ${runId}.`);
        }
        catch (error) {
            failures.push(`workflow run ${runId}: ${(0,client/* githubMessage */.hg)(error)}`);
        }
    }
    for (const l of lines)
        core/* info */.pq(l);
    if (failures.length > 0) {
        throw new errors/* UserError */.y(`GitHub refused to re-run failed jobs (the token needs actions: write): ${failures.join('; ')}.`);
    }
    return lines.map(titles/* escapeMarkdown */.FV);
}


/***/ })

};
