export const id = 563;
export const ids = [563];
export const modules = {

/***/ 4563:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readReconcileInputs: () => (/* binding */ readReconcileInputs),
  reconcile: () => (/* binding */ reconcile),
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: ./src/auth/inputs.ts + 1 modules
var auth_inputs = __webpack_require__(15571);
// EXTERNAL MODULE: ./src/checks/inputs.ts
var inputs = __webpack_require__(41704);
// EXTERNAL MODULE: ./src/checks/titles.ts
var titles = __webpack_require__(21178);
// EXTERNAL MODULE: ./src/context.ts
var context = __webpack_require__(40788);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/checks/aggregate.ts
var aggregate = __webpack_require__(99622);
// EXTERNAL MODULE: ./src/checks/rules.ts
var rules = __webpack_require__(12226);
// EXTERNAL MODULE: ./src/checks/service-data.ts + 2 modules
var service_data = __webpack_require__(72461);
;// CONCATENATED MODULE: ./src/reconcile/decide.ts
// Reconcile's decisions, pure: what to re-send, what is stale, what to forget, when a suite is
// settled, and how its compacted fragment is named. src/commands/reconcile.ts does the I/O.



function time(iso) {
    const ms = iso === undefined ? NaN : Date.parse(iso);
    return Number.isFinite(ms) ? ms : undefined;
}
/** Queued or building for longer than staleAfterMs (by the time of its last transition). */
function staleBuilds(data, now, staleAfterMs) {
    const out = [];
    for (const build of Object.keys(data.check_runs).sort()) {
        const was = (0,service_data/* recordOf */.zv)(data, build);
        if (was.state === 'built')
            continue;
        const at = time(was.updated_at);
        if (at !== undefined && now - at > staleAfterMs)
            out.push({ build, was });
    }
    return out;
}
/** What this pass sends for one suite. */
function planSuite(data, opts) {
    const at = new Date(opts.now).toISOString();
    const stale = staleBuilds(data, opts.now, opts.staleAfterMs);
    const staleIds = new Set(stale.map((s) => s.build));
    const resend = (0,rules/* planResend */.FI)(data).operations.filter((op) => op.op !== 'skip' && !staleIds.has(op.build));
    const timeouts = [];
    for (const { build, was } of stale) {
        // The same generation, one state later: rules.ts updates the build's run (creates it if its id is unknown).
        const plan = (0,rules/* planTransition */.Re)(data, [build], { state: 'built', generation: was.generation, conclusion: opts.staleConclusion, at }, () => was.name);
        const op = plan.operations[0];
        if (op.op === 'skip')
            continue; // cannot happen for a queued/building record; kept for the types
        if (data.aggregate !== undefined && !(0,aggregate/* buildGetsCheckRun */.d9)(true, was)) {
            // Aggregate mode: no check run of its own, the CONCLUSION run counts it.
            timeouts.push({ build, was, record: { ...op.record, state_synced: true } });
        }
        else {
            timeouts.push({ build, was, op, record: op.record });
        }
    }
    return { resend, timeouts };
}
/** The newest transition time the suite records (epoch ms), if any. */
function lastActivity(data) {
    let last;
    const see = (iso) => {
        const t = time(iso);
        if (t !== undefined && (last === undefined || t > last))
            last = t;
    };
    for (const record of Object.values(data.check_runs))
        see(record.updated_at);
    see(data.conclusion_run?.updated_at);
    see(data.aggregate?.since);
    return last;
}
/** A suite whose last activity is older than forget-after is dropped from the store. */
function shouldForget(last, now, forgetAfterMs) {
    return last !== undefined && now - last > forgetAfterMs;
}
/**
 * Nothing left for reconcile to do, now or later: every build built and synced, and the
 * CONCLUSION run (if any) completed, synced, in the newest generation.
 */
function isSettled(data) {
    let generation = 0;
    for (const record of Object.values(data.check_runs)) {
        if (record.state !== 'built' || !record.state_synced)
            return false;
        generation = Math.max(generation, record.generation);
    }
    const c = data.conclusion_run;
    if (c && (c.state !== 'built' || !c.state_synced || c.generation < generation))
        return false;
    return true;
}
// A settled suite's compacted fragment says so in its name, with its last activity, so later
// passes need not download it: `…-settled.<epoch seconds>.<8 hex>`. Workflow step ids cannot
// hold a dot, so no transition's fragment name ends this way.
const SETTLED = /-settled\.(\d{1,12})\.[0-9a-f]{8}$/;
/** The writer `step` of a settled suite's compacted fragment. */
function settledStep(lastActivityMs, random) {
    return `settled.${Math.floor(lastActivityMs / 1000)}.${random.slice(0, 8)}`;
}
/** The last activity (epoch ms) a settled fragment's name records, or undefined for any other name. */
function settledAt(fragmentName) {
    const m = SETTLED.exec(fragmentName);
    return m ? Number(m[1]) * 1000 : undefined;
}
/**
 * Suites are grouped by fragment; one holding a single settled fragment needs no reading:
 * reconcile only checks whether it is old enough to forget.
 */
function skipsReading(names) {
    return names.length === 1 && settledAt(names[0]) !== undefined;
}
/** "6h", "1d 2h", "90s" (the two largest units): for messages. */
function formatDuration(ms) {
    const parts = [];
    let rest = Math.round(ms / 1000);
    for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]]) {
        if (rest >= size) {
            parts.push(`${Math.floor(rest / size)}${unit}`);
            rest %= size;
        }
    }
    return parts.slice(0, 2).join(' ') || '0s';
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/checks/apply.ts
var apply = __webpack_require__(74201);
// EXTERNAL MODULE: ./src/checks/conclusion.ts
var conclusion = __webpack_require__(28570);
// EXTERNAL MODULE: ./src/github/check-runs.ts
var check_runs = __webpack_require__(2842);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(96584);
// EXTERNAL MODULE: ./src/store/parallel.ts
var parallel = __webpack_require__(41658);
// EXTERNAL MODULE: ./src/commands/conclusion-run.ts
var conclusion_run = __webpack_require__(32023);
// EXTERNAL MODULE: ./src/commands/session.ts + 8 modules
var commands_session = __webpack_require__(31243);
;// CONCATENATED MODULE: ./src/reconcile/suite.ts
// Reconcile of one suite: read and merge its fragments, send what never reached GitHub, time
// out stuck builds, complete its CONCLUSION run, then write one compacted fragment and delete
// the ones merged. Requests: none for a settled suite; for one needing repair, one listing of
// the commit's check runs (only when a create may already exist), one GraphQL request, and the
// store's write and deletes.













/** Shared across suites of one pass: check-run listings per commit, the repository's node id. */
class PassCache {
    #listings = new Map();
    #nodeId;
    session;
    constructor(session) {
        this.session = session;
    }
    listing(headSha) {
        let p = this.#listings.get(headSha);
        if (!p) {
            const { session } = this;
            p = (0,check_runs/* listCheckRuns */.lo)(session.github, { owner: session.ctx.owner, repo: session.ctx.repo, headSha, appId: session.auth.appId });
            this.#listings.set(headSha, p);
            p.catch(() => this.#listings.delete(headSha));
        }
        return p;
    }
    /** After writes on a commit, its listing is out of date. */
    forget(headSha) {
        this.#listings.delete(headSha);
    }
    repositoryNodeId(data) {
        const known = this.session.repositoryNodeId ?? data.repository_node_id;
        if (known)
            return Promise.resolve(known);
        this.#nodeId ??= (0,check_runs/* repositoryNodeId */.We)(this.session.github, this.session.ctx.owner, this.session.ctx.repo);
        this.#nodeId.catch(() => (this.#nodeId = undefined));
        return this.#nodeId;
    }
}
function emptyReport() {
    return { resent: 0, adopted: 0, timed_out: 0, compacted: 0, unsynced: 0, set_aside: 0, errors: [] };
}
const nameOf = (ref) => ref.name ?? ref.id;
function created(ref) {
    const t = ref.created_at ? Date.parse(ref.created_at) : NaN;
    return Number.isFinite(t) ? t : undefined;
}
async function remove(session, refs, report) {
    if (refs.length === 0)
        return true;
    try {
        await session.store.deleteFragments(refs);
        return true;
    }
    catch (error) {
        report.errors.push(`could not delete ${refs.length} fragment(s): ${error instanceof Error ? error.message : String(error)}`);
        return false;
    }
}
/** Reconciles the suite whose fragments are `refs` (all of one suite hash). */
async function reconcileSuite(session, refs, opts, cache) {
    const report = emptyReport();
    const names = refs.map(nameOf);
    // A settled suite's one compacted fragment: only its age matters.
    if (skipsReading(names)) {
        if (shouldForget(settledAt(names[0]), opts.now, opts.forgetAfterMs)) {
            report.forgotten = await remove(session, refs, report);
        }
        else
            report.settled = true;
        return report;
    }
    // Read and parse every fragment; an unreadable or unusable one is left where it is.
    const documents = [];
    const aside = [];
    const read = await (0,parallel/* mapLimit */.s)(refs, (ref) => session.store.readFragment(ref).then((f) => ({ ref, text: f.text }), (error) => ({ ref, error: error instanceof Error ? error.message : String(error) })));
    for (const r of read) {
        if ('error' in r) {
            report.errors.push(`fragment ${nameOf(r.ref)} could not be read: ${r.error}`);
            aside.push(r.ref);
            continue;
        }
        try {
            documents.push({ ref: r.ref, data: (0,service_data/* parseServiceData */.DK)(r.text) });
        }
        catch (error) {
            if (!(error instanceof service_data/* CorruptStateError */.z6))
                throw error;
            core/* warning */.$e(`State fragment ${nameOf(r.ref)} is unusable and was left in the store: ${error.message}.`);
            aside.push(r.ref);
        }
    }
    if (documents.length === 0) {
        // Nothing usable: drop it once it is older than forget-after, like any suite.
        const newest = Math.max(...refs.map((r) => created(r) ?? opts.now));
        if (shouldForget(newest, opts.now, opts.forgetAfterMs))
            report.forgotten = await remove(session, refs, report);
        report.set_aside = report.forgotten ? 0 : aside.length;
        return report;
    }
    const key = (0,service_data/* suiteKeyOf */.XU)(documents[0].data);
    const mine = documents.filter((d) => (0,service_data/* sameSuite */.Xz)(d.data, key));
    for (const d of documents)
        if (!mine.includes(d))
            aside.push(d.ref);
    report.set_aside = aside.length;
    Object.assign(report, { repository: key.repository, head_sha: key.head_sha, suite: key.suite });
    const merged = mine.map((d) => d.ref);
    const data = (0,service_data/* mergeAll */.Um)(key, mine.map((d) => d.data));
    if (key.repository.toLowerCase() !== session.ctx.repository.toLowerCase()) {
        report.other_repository = true;
        return report;
    }
    const last = lastActivity(data) ?? Math.max(...merged.map((r) => created(r) ?? opts.now));
    if (shouldForget(last, opts.now, opts.forgetAfterMs)) {
        report.forgotten = await remove(session, [...merged, ...aside], report);
        if (report.forgotten)
            report.set_aside = 0;
        return report;
    }
    const changes = await repair(session, key, data, opts, cache, report);
    const compacted = (0,service_data/* mergeServiceData */.g0)(data, changes);
    report.unsynced = countUnsynced(compacted);
    // One compacted fragment per suite; a settled one says so in its name, so later passes skip it.
    const settled = isSettled(compacted) && aside.length === 0;
    const changed = Object.keys(changes.check_runs).length > 0 || changes.conclusion_run !== undefined;
    if (!changed && merged.length === 1 && (!settled || skipsReading(names)))
        return report;
    const random = (0,external_node_crypto_.randomUUID)().replace(/-/g, '');
    const step = settled ? settledStep(lastActivity(compacted) ?? last, random) : `reconcile-${random.slice(0, 8)}`;
    const { ctx } = session;
    try {
        await session.store.writeFragment(key, (0,service_data/* serializeServiceData */.O4)(compacted), {
            run_id: ctx.runId || 1,
            run_attempt: ctx.runAttempt,
            job: ctx.job || 'reconcile',
            step,
        });
    }
    catch (error) {
        // The merged fragments stay: the next pass merges them again (GitHub already has what was sent).
        report.errors.push(`could not write the compacted state: ${error instanceof Error ? error.message : String(error)}`);
        return report;
    }
    if (await remove(session, merged, report))
        report.compacted = merged.length;
    return report;
}
function countUnsynced(data) {
    let n = Object.values(data.check_runs).filter((r) => !r.state_synced).length;
    if (data.conclusion_run && !data.conclusion_run.state_synced)
        n++;
    return n;
}
/** Sends what the suite needs; returns the records to merge into its state. */
async function repair(session, key, data, opts, cache, report) {
    const changes = { ...(0,service_data/* mergeAll */.Um)(key, []) };
    const plan = planSuite(data, opts);
    const writes = [];
    for (const op of plan.resend)
        writes.push({ op, kind: 'resend', output: resendOutput(op.record) });
    for (const t of plan.timeouts) {
        if (t.op)
            writes.push({ op: t.op, kind: 'timeout', output: timeoutOutput(t.was, t.record, opts) });
        else {
            (0,service_data/* setOwn */.P5)(changes.check_runs, t.build, t.record);
            report.timed_out++;
        }
    }
    // The CONCLUSION run, when the suite has one and it is due (complete, re-sent or adopted).
    const planned = (0,service_data/* mergeAll */.Um)(key, []);
    for (const w of writes)
        (0,service_data/* setOwn */.P5)(planned.check_runs, w.op.build, w.op.record);
    for (const [build, record] of Object.entries(changes.check_runs))
        (0,service_data/* setOwn */.P5)(planned.check_runs, build, record);
    const after = (0,service_data/* mergeServiceData */.g0)(data, planned);
    if (data.conclusion_run) {
        const template = opts.conclusionTemplate;
        const suiteSession = {
            ...session,
            key,
            inputs: { ...session.inputs, suite: key.suite, conclusionName: template.replace(/\{suite\}/g, key.suite) },
        };
        const step = (0,conclusion/* conclusionStep */.qE)(data.conclusion_run, (0,conclusion/* suiteConclusion */.ic)(after, { warningAs: session.inputs.warningAs }));
        if (step.op === 'create' || step.op === 'update') {
            const aggregate = data.aggregate !== undefined;
            const c = (0,conclusion_run/* planConclusionRun */.Ob)(suiteSession, after, { final: false, mayOpen: true, aggregate, now: new Date(opts.now).toISOString() });
            if (c.op && c.output) {
                if (c.op.op === 'update')
                    delete c.op.record.details_url; // keep the link it has
                writes.push({ op: c.op, kind: 'conclusion', output: c.output });
            }
        }
    }
    if (writes.length === 0)
        return changes;
    // Creates that a lost reply may already have made: adopt the run instead (one listing per commit).
    const mayExist = (w) => w.op.op === 'create' &&
        (w.kind === 'conclusion' ? (0,conclusion_run/* conclusionMayExist */.Kd)(data.conclusion_run, w.op) : (0,rules/* mayAlreadyExist */.pK)((0,service_data/* recordOf */.zv)(data, w.op.build)));
    const toSend = [];
    const settledNow = [];
    if (writes.some(mayExist)) {
        let runs;
        try {
            runs = await cache.listing(key.head_sha);
        }
        catch (error) {
            report.errors.push(`listing the check runs of ${key.head_sha} failed (${(0,client/* githubMessage */.hg)(error)}): creates left for the next pass`);
        }
        for (const w of writes) {
            if (!mayExist(w)) {
                toSend.push(w);
                continue;
            }
            if (!runs)
                continue; // not sent: creating blind could duplicate a run
            const expected = expectedExternalId(key, w);
            const run = w.kind === 'conclusion'
                ? runs.filter((r) => r.external_id === expected).sort((a, b) => b.id - a.id)[0]
                : (0,service_data/* findAdoptable */._m)(runs, key, w.op.build);
            if (!run) {
                toSend.push(w);
                continue;
            }
            report.adopted++;
            const r = w.op.record;
            const status = (0,rules/* githubStatus */.AV)(r.state);
            if (run.external_id === expected && run.status === status && (status !== 'completed' || run.conclusion === r.conclusion)) {
                // GitHub already shows it: the reply was lost, not the write.
                settledNow.push({ w, record: (0,rules/* recordAfter */.SX)(w.op, { check_run_id: run.id, node_id: run.node_id, synced: true }) });
            }
            else {
                const record = { ...r, check_run_id: run.id, node_id: run.node_id };
                if (w.kind === 'conclusion')
                    delete record.details_url; // keep the link it has
                toSend.push({ ...w, op: { op: 'update', build: w.op.build, check_run_id: run.id, node_id: run.node_id, record } });
            }
        }
    }
    else
        toSend.push(...writes);
    const applied = new Map();
    for (const { w, record } of settledNow)
        applied.set(w, record);
    if (toSend.length > 0) {
        let nodeId;
        try {
            nodeId = await cache.repositoryNodeId(data);
        }
        catch (error) {
            report.errors.push(`could not read the repository's node id: ${(0,client/* githubMessage */.hg)(error)}`);
        }
        if (nodeId) {
            const byBuild = new Map(toSend.map((w) => [w.op.build, w]));
            const results = await (0,apply/* applyPlan */.g)(session.github, toSend.map((w) => w.op), {
                owner: session.ctx.owner,
                repo: session.ctx.repo,
                headSha: key.head_sha,
                repositoryNodeId: nodeId,
                appId: session.auth.appId,
                externalId: (build, record) => build === commands_session/* CONCLUSION_BUILD */.PB ? (0,commands_session/* conclusionExternalId */.kD)(key, record.generation) : (0,service_data/* externalId */.pP)(key, build, record.generation),
                outputFor: (op) => byBuild.get(op.build).output,
                mayAlreadyExist: () => false, // checked above
            });
            cache.forget(key.head_sha);
            for (const a of results) {
                const w = byBuild.get(a.build);
                applied.set(w, a.record);
                if (a.warning)
                    core/* warning */.$e(`${key.suite} @ ${key.head_sha.slice(0, 7)}, ${w.kind === 'conclusion' ? 'CONCLUSION' : `build "${a.build}"`}: ${a.warning}`);
            }
        }
    }
    const now = new Date(opts.now).toISOString();
    for (const [w, record] of applied) {
        if (w.kind === 'conclusion') {
            changes.conclusion_run = (0,conclusion_run/* conclusionRecordAfter */.Ts)({ build: commands_session/* CONCLUSION_BUILD */.PB, record }, now);
            if (record.state_synced)
                report.conclusion = record.state === 'built' ? 'completed' : w.op.op === 'create' ? 'created' : 'updated';
            continue;
        }
        (0,service_data/* setOwn */.P5)(changes.check_runs, w.op.build, record);
        if (!record.state_synced)
            continue;
        if (w.kind === 'timeout')
            report.timed_out++;
        else if (!settledNow.some((s) => s.w === w))
            report.resent++;
    }
    return changes;
}
function expectedExternalId(key, w) {
    return w.kind === 'conclusion' ? (0,commands_session/* conclusionExternalId */.kD)(key, w.op.record.generation) : (0,service_data/* externalId */.pP)(key, w.op.build, w.op.record.generation);
}
function resendOutput(record) {
    const output = (0,titles/* outputFor */.Jf)(record);
    output.summary += '\n\nSent again by the scheduled reconcile: the first report may not have reached GitHub.';
    return output;
}
function timeoutOutput(was, record, opts) {
    const job = (0,titles/* safeUrl */.Pl)(was.reporter?.job_url ?? was.details_url);
    const lines = [
        `**${(0,titles/* titleFor */.Q$)(record)}** · ${(0,titles/* escapeMarkdown */.FV)(record.name)}`,
        '',
        `No end was reported for this build: it was ${was.state} since ${(0,titles/* readableTime */.GI)(was.updated_at)}, ` +
            `longer than stale-after (${formatDuration(opts.staleAfterMs)}). The scheduled reconcile completed it as \`${record.conclusion}\`.`,
    ];
    if (job)
        lines.push('', `[Open the job](${job}) to see its log or re-run it.`);
    return { title: (0,titles/* titleFor */.Q$)(record), summary: lines.join('\n') };
}

;// CONCATENATED MODULE: ./src/commands/reconcile.ts
// command: reconcile — for `on: schedule` (and workflow_dispatch). Reads every suite's fragments
// across runs, sends what the transitions could not deliver (adopting runs a lost reply made,
// never duplicating them), times out builds stuck queued or building, completes CONCLUSION runs
// left open, writes one compacted fragment per suite and deletes those merged, and drops suites
// older than forget-after. Work is proportional to what needs repair: the store's listing, one
// read per unsettled suite (settled suites are not read), and GitHub requests only for suites
// with something to send. Stops cleanly at max-duration; the next run picks up the rest.









function readReconcileInputs(getInput = (n) => core/* getInput */.V4(n)) {
    const staleConclusion = (0,inputs/* parseConclusion */.pZ)(getInput('stale-conclusion') || 'timed_out', true);
    return {
        staleAfterMs: (0,inputs/* parseDuration */.E9)(getInput('stale-after') || '6h', 'stale-after'),
        staleConclusion,
        forgetAfterMs: (0,inputs/* parseDuration */.E9)(getInput('forget-after') || '30d', 'forget-after'),
        maxDurationMs: (0,inputs/* parseDuration */.E9)(getInput('max-duration') || '10m', 'max-duration'),
        conclusionTemplate: getInput('conclusion-name') || '{suite} / CONCLUSION',
    };
}
async function run() {
    const started = Date.now();
    const ctx = (0,context/* readRunContext */.$)();
    const common = (0,commands_session/* readCommonInputs */.di)(ctx);
    const inputs = readReconcileInputs();
    const given = (0,auth_inputs/* readAppInputs */.$j)();
    // Unless permission-* inputs say otherwise: write check runs, and (artifact and cache stores)
    // list, read and delete fragments across runs. Not revoked, like every check command (session.ts).
    const fileStore = common.store.trim().toLowerCase().startsWith('file:');
    const app = given.permissions ? given : { ...given, permissions: { checks: 'write', ...(fileStore ? {} : { actions: 'write' }) } };
    const session = await (0,commands_session/* openSession */.fA)({ ctx, inputs: common, app });
    const result = await reconcile(session, inputs, started + inputs.maxDurationMs);
    core/* setOutput */.uH('reconciled', JSON.stringify(result));
    core/* setOutput */.uH('unsynced', String(result.totals.unsynced));
    await writeSummary(result, inputs);
    const t = result.totals;
    core/* info */.pq(`Reconciled ${result.suites - result.remaining} of ${result.suites} suite(s) (${result.settled} settled): ` +
        `${t.resent} resent, ${t.adopted} adopted, ${t.timed_out} timed out, ${t.conclusions} CONCLUSION run(s), ` +
        `${t.compacted} fragment(s) compacted, ${t.forgotten} suite(s) forgotten; ${session.requestCount()} request(s) to GitHub.`);
    if (!result.complete) {
        core/* notice */.lm(`max-duration (${formatDuration(inputs.maxDurationMs)}) reached: ${result.remaining} suite(s) are left for the next run.`);
    }
    if (common.failOnUnsynced && (t.unsynced > 0 || t.errors > 0)) {
        throw new errors/* UserError */.y(`${t.unsynced} record(s) may still not be on GitHub and ${t.errors} suite(s) had errors (see the warnings). ` +
            'fail-on-unsynced is true, so the step fails.');
    }
}
/** One pass over every suite in the store, newest first, until `deadline` (epoch ms). */
async function reconcile(session, inputs, deadline) {
    let refs;
    try {
        refs = await session.store.listAllFragments();
    }
    catch (error) {
        throw new errors/* UserError */.y(`reconcile could not list the state in the ${session.store.description} store: ${error instanceof Error ? error.message : String(error)}`);
    }
    const groups = new Map();
    for (const ref of refs) {
        if (!ref.suite_hash)
            continue;
        const group = groups.get(ref.suite_hash);
        if (group)
            group.push(ref);
        else
            groups.set(ref.suite_hash, [ref]);
    }
    // Newest first: the suites people are looking at now get repaired first.
    const newest = (g) => Math.max(0, ...g.map((r) => Date.parse(r.created_at ?? '') || 0));
    const ordered = [...groups.values()].sort((a, b) => newest(b) - newest(a));
    const opts = {
        now: Date.now(),
        staleAfterMs: inputs.staleAfterMs,
        staleConclusion: inputs.staleConclusion,
        forgetAfterMs: inputs.forgetAfterMs,
        conclusionTemplate: inputs.conclusionTemplate,
    };
    const cache = new PassCache(session);
    const result = {
        complete: true,
        suites: ordered.length,
        remaining: 0,
        settled: 0,
        totals: { resent: 0, adopted: 0, timed_out: 0, compacted: 0, forgotten: 0, conclusions: 0, unsynced: 0, errors: 0 },
        reconciled: [],
    };
    for (let i = 0; i < ordered.length; i++) {
        // At least one suite per run, so that every run makes progress.
        if (i > 0 && Date.now() >= deadline) {
            result.complete = false;
            result.remaining = ordered.length - i;
            break;
        }
        let report;
        try {
            report = await reconcileSuite(session, ordered[i], opts, cache);
        }
        catch (error) {
            report = emptyReport();
            report.errors.push(error instanceof Error ? error.message : String(error));
        }
        for (const e of report.errors)
            core/* warning */.$e(`${describe(report, ordered[i])}: ${e}`);
        const t = result.totals;
        t.resent += report.resent;
        t.adopted += report.adopted;
        t.timed_out += report.timed_out;
        t.compacted += report.compacted;
        t.unsynced += report.unsynced;
        if (report.forgotten)
            t.forgotten++;
        if (report.conclusion)
            t.conclusions++;
        if (report.errors.length > 0)
            t.errors++;
        if (report.settled)
            result.settled++;
        const eventful = report.resent || report.adopted || report.timed_out || report.compacted || report.forgotten ||
            report.conclusion || report.unsynced || report.set_aside || report.errors.length > 0;
        if (eventful)
            result.reconciled.push(report);
    }
    return result;
}
function describe(report, refs) {
    return report.suite ? `suite "${report.suite}" @ ${report.head_sha?.slice(0, 7)}` : `fragments ${refs.map((r) => r.name ?? r.id).join(', ')}`;
}
async function writeSummary(result, inputs) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    const t = result.totals;
    const lines = [
        '### Reconcile',
        '',
        `${result.suites - result.remaining} of ${result.suites} suite(s) looked at (${result.settled} settled, nothing to do)` +
            (result.complete ? '.' : `; max-duration (${formatDuration(inputs.maxDurationMs)}) reached, ${result.remaining} left for the next run.`),
        '',
        `Resent ${t.resent}, adopted ${t.adopted}, timed out ${t.timed_out} (stale after ${formatDuration(inputs.staleAfterMs)}), ` +
            `${t.conclusions} CONCLUSION run(s) completed or re-sent, ${t.compacted} fragment(s) compacted, ${t.forgotten} suite(s) forgotten ` +
            `(after ${formatDuration(inputs.forgetAfterMs)}), ${t.unsynced} still unsynced.`,
    ];
    const rows = result.reconciled.slice(0, 200);
    if (rows.length > 0) {
        lines.push('', '| Suite | Commit | Resent | Adopted | Timed out | CONCLUSION | Compacted | Unsynced | Notes |', '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |');
        for (const r of rows) {
            const notes = [
                r.forgotten ? 'forgotten' : '',
                r.set_aside ? `${r.set_aside} fragment(s) set aside` : '',
                r.other_repository ? `other repository ${(0,titles/* escapeMarkdown */.FV)(r.repository ?? '')}` : '',
                ...r.errors.map((e) => (0,titles/* escapeMarkdown */.FV)(e.slice(0, 200))),
            ].filter(Boolean).join('; ');
            lines.push(`| ${(0,titles/* escapeMarkdown */.FV)(r.suite ?? '?')} | ${r.head_sha ? `\`${r.head_sha.slice(0, 7)}\`` : '—'} | ${r.resent} | ${r.adopted} | ${r.timed_out} | ${r.conclusion ?? '—'} | ${r.compacted} | ${r.unsynced} | ${notes || '—'} |`);
        }
        if (result.reconciled.length > rows.length)
            lines.push('', `… and ${result.reconciled.length - rows.length} more suite(s) (see the \`reconciled\` output).`);
    }
    try {
        await core/* summary */.z.addRaw(lines.join('\n') + '\n').write();
    }
    catch (error) {
        core/* warning */.$e(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`);
    }
}


/***/ })

};
