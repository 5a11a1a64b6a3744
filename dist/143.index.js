export const id = 143;
export const ids = [143];
export const modules = {

/***/ 99622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GU: () => (/* binding */ shouldRefreshAggregate),
/* harmony export */   cR: () => (/* binding */ decideAggregate),
/* harmony export */   d9: () => (/* binding */ buildGetsCheckRun)
/* harmony export */ });
/* unused harmony exports MUTATIONS_PER_BUILD, CONCLUSION_MUTATIONS, SECONDARY_HOURLY_LIMIT, RATE_LIMIT_SHARE, mutationsNeeded */
/**
 * Content-creating mutations one build costs over its life: create (queued), update
 * (in_progress), update (completed). GitHub counts each GraphQL mutation, even in one request.
 */
const MUTATIONS_PER_BUILD = 3;
/** The CONCLUSION check run itself: create, complete. */
const CONCLUSION_MUTATIONS = 2;
/** GitHub's secondary limit: at most 500 content-creating requests an hour per installation. */
const SECONDARY_HOURLY_LIMIT = 500;
/** Only this share of the installation's remaining primary limit may go to one suite's check runs. */
const RATE_LIMIT_SHARE = 0.5;
/** Mutations one check run per build needs: MUTATIONS_PER_BUILD × builds + CONCLUSION_MUTATIONS. */
function mutationsNeeded(buildCount) {
    return MUTATIONS_PER_BUILD * buildCount + CONCLUSION_MUTATIONS;
}
/**
 * Whether the suite reports only its CONCLUSION check run. In order:
 * 1. sticky: once recorded, stay (jobs of one suite must not report two ways);
 * 2. more builds than `aggregate-above`;
 * 3. mutationsNeeded(builds) > 500, GitHub's hourly secondary limit (more than 166 builds),
 *    which no setting of `aggregate-above` can lift;
 * 4. mutationsNeeded(builds) > RATE_LIMIT_SHARE × the installation's remaining requests:
 *    the rest of the hour's budget is left to reads, other suites and reconcile.
 */
function decideAggregate(input) {
    const { buildCount, aggregateAbove, rateLimitRemaining } = input;
    if (input.alreadyAggregate)
        return { aggregate: true, reason: 'already in aggregate mode' };
    const builds = `${buildCount} build${buildCount === 1 ? '' : 's'}`;
    if (buildCount > aggregateAbove) {
        return { aggregate: true, reason: `${builds}, more than aggregate-above (${aggregateAbove})` };
    }
    const needed = mutationsNeeded(buildCount);
    if (needed > SECONDARY_HOURLY_LIMIT) {
        return {
            aggregate: true,
            reason: `${builds} need about ${needed} check-run mutations, more than GitHub's ${SECONDARY_HOURLY_LIMIT} content-creating requests an hour`,
        };
    }
    if (rateLimitRemaining !== undefined && needed > RATE_LIMIT_SHARE * rateLimitRemaining) {
        return {
            aggregate: true,
            reason: `${builds} need about ${needed} requests; the installation has ${rateLimitRemaining} left this hour`,
        };
    }
    return { aggregate: false };
}
/**
 * Whether a build still gets its own check run. In aggregate mode only builds whose check run
 * was created before the switch do: they are carried to completion rather than left open.
 */
function buildGetsCheckRun(aggregate, record) {
    return !aggregate || record?.check_run_id !== undefined;
}
/**
 * Whether to send the aggregate summary now: always at the end, else at most every
 * `intervalSeconds`. Times are ISO 8601 (or Dates). A last update in the future by a full
 * interval or more (another runner's clock) does not block refreshes; an unreadable one
 * counts as never.
 */
function shouldRefreshAggregate(lastUpdatedAt, now, intervalSeconds, final) {
    if (final || lastUpdatedAt === undefined)
        return true;
    const last = new Date(lastUpdatedAt).getTime();
    const current = new Date(now).getTime();
    if (!Number.isFinite(last) || !Number.isFinite(current))
        return true;
    return Math.abs(current - last) >= Math.max(0, intervalSeconds) * 1000;
}


/***/ }),

/***/ 74201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ applyPlan)
/* harmony export */ });
/* unused harmony export fieldsFor */
/* harmony import */ var _github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2842);
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(12226);
// Runs a plan (rules.ts) against GitHub and records, per build, what is known to have happened.


/**
 * One result per create/update operation, in plan order; skips make no request and no result.
 * Never throws for a GitHub failure: such a build is recorded `state_synced: false`.
 */
async function applyPlan(github, ops, ctx) {
    const writes = ops.filter((op) => op.op !== 'skip');
    if (writes.length === 0)
        return [];
    const fields = writes.map((op) => fieldsFor(op, ctx));
    const results = writes.map(() => undefined);
    const settle = (i, result) => (results[i] ??= result);
    const failed = (i, warning, adopted) => settle(i, {
        build: writes[i].build,
        record: (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .recordAfter */ .SX)(writes[i], { check_run_id: adopted?.id, node_id: adopted?.node_id, synced: false }),
        warning,
    });
    const done = (i, run) => settle(i, {
        build: writes[i].build,
        record: (0,_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .recordAfter */ .SX)(writes[i], { check_run_id: run.check_run_id, node_id: run.node_id, synced: true }),
        ...(run.url ? { url: run.url } : {}),
        ...(run.warning ? { warning: run.warning } : {}),
    });
    const adopt = (runs, i) => ctx.adoptable
        ? ctx.adoptable(runs, writes[i].build)
        : runs.filter((r) => r.external_id === fields[i].external_id).sort((a, b) => b.id - a.id)[0];
    let repositoryId = ctx.repositoryNodeId;
    if (!repositoryId) {
        try {
            repositoryId = await (0,_github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__/* .repositoryNodeId */ .We)(github, ctx.owner, ctx.repo);
        }
        catch (error) {
            writes.forEach((_, i) => failed(i, `could not read the repository's id: ${message(error)}`));
            return results;
        }
    }
    const list = () => (0,_github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__/* .listCheckRuns */ .lo)(github, { owner: ctx.owner, repo: ctx.repo, headSha: ctx.headSha, appId: ctx.appId });
    const send = (items) => (0,_github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__/* .createAndUpdateCheckRuns */ .J3)(github, {
        repositoryNodeId: repositoryId,
        headSha: ctx.headSha,
        items,
        maxPerRequest: ctx.maxPerRequest,
        minMsBetweenRequests: ctx.minMsBetweenRequests,
    });
    // One listing, when needed, before anything is written: runs to adopt instead of creating
    // again, and node ids of updates that lack one (GraphQL addresses runs by node id).
    const mayExist = writes.map((op) => op.op === 'create' && !!ctx.mayAlreadyExist?.(op.build));
    let before = [];
    if (mayExist.some(Boolean) || writes.some((op) => op.op === 'update' && !op.node_id)) {
        before = await list().catch((error) => new Error(`listing check runs failed: ${message(error)}`));
    }
    const first = [];
    writes.forEach((op, i) => {
        const f = fields[i];
        if (before instanceof Error && (mayExist[i] || (op.op === 'update' && !op.node_id))) {
            return failed(i, `not sent, ${before.message}`);
        }
        const runs = before;
        if (op.op === 'create') {
            const adopted = mayExist[i] ? adopt(runs, i) : undefined;
            if (adopted)
                return first.push({ i, item: { kind: 'update', node_id: adopted.node_id, ...f }, adopted });
            return first.push({ i, item: { kind: 'create', ...f } });
        }
        const nodeId = op.node_id ?? runs.find((r) => r.id === op.check_run_id)?.node_id;
        if (nodeId)
            return first.push({ i, item: { kind: 'update', node_id: nodeId, ...f } });
        failed(i, `not sent: check run ${op.check_run_id} is not on commit ${ctx.headSha}`);
    });
    const replies = await send(first.map((f) => f.item));
    const maybeCreated = [];
    first.forEach(({ i, adopted }, k) => {
        const reply = replies[k];
        if (reply.ok)
            done(i, reply);
        else if (adopted)
            failed(i, `updating adopted check run ${adopted.id} failed: ${reply.error}`, adopted);
        else if (writes[i].op === 'create' && reply.maybeWritten)
            maybeCreated.push(i);
        else
            failed(i, `${writes[i].op} failed: ${reply.error}`);
    });
    if (maybeCreated.length === 0)
        return results;
    // A lost reply or a 5xx: the run may exist. Adopt it from one listing, else create once more.
    let after;
    try {
        after = await list();
    }
    catch (error) {
        for (const i of maybeCreated)
            failed(i, `the create may have reached GitHub; listing check runs failed: ${message(error)}`);
        return results;
    }
    const second = [];
    for (const i of maybeCreated) {
        const f = fields[i];
        const run = adopt(after, i);
        if (!run) {
            second.push({ i, item: { kind: 'create', ...f } });
        }
        else if (run.external_id !== f.external_id || run.status !== f.status || (f.status === 'completed' && run.conclusion !== f.conclusion)) {
            // Not our create (an older lost one of this build): bring it to the state planned now.
            second.push({ i, item: { kind: 'update', node_id: run.node_id, ...f }, adopted: run });
        }
        else if ((f.output?.annotations?.length ?? 0) > _github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATIONS_PER_REQUEST */ .jg) {
            // Our create, written with its first 50 annotations: append the rest.
            second.push({ i, item: { kind: 'update', node_id: run.node_id, ...f, annotations_sent: _github_check_runs_js__WEBPACK_IMPORTED_MODULE_0__/* .ANNOTATIONS_PER_REQUEST */ .jg }, adopted: run });
        }
        else {
            done(i, { check_run_id: run.id, node_id: run.node_id, url: run.html_url });
        }
    }
    const retried = await send(second.map((s) => s.item));
    second.forEach(({ i, adopted }, k) => {
        const reply = retried[k];
        if (reply.ok)
            return done(i, reply);
        if (adopted)
            return failed(i, `adopted check run ${adopted.id}, but updating it failed: ${reply.error}`, adopted);
        const maybe = reply.maybeWritten ? ' (it may exist: reconcile adopts it by external_id)' : '';
        failed(i, `create failed twice: ${reply.error}${maybe}`);
    });
    return results;
}
/** record.state → GitHub's status; times come from the transition, not from when it is sent. */
function fieldsFor(op, ctx) {
    const r = op.record;
    const at = r.updated_at || (ctx.now?.() ?? new Date()).toISOString();
    const base = {
        name: r.name,
        external_id: ctx.externalId(op.build, r),
        details_url: r.details_url,
        output: ctx.outputFor(op),
    };
    switch (r.state) {
        case 'queued':
            return { ...base, status: 'queued' };
        case 'building':
            return { ...base, status: 'in_progress', started_at: at };
        case 'built':
            return {
                ...base,
                status: 'completed',
                // rules.ts always records a conclusion for 'built'; GitHub refuses completed without one.
                conclusion: r.conclusion ?? 'neutral',
                completed_at: at,
                // A run created already completed started then too, not when the request got through.
                ...(op.op === 'create' ? { started_at: at } : {}),
            };
    }
}
function message(error) {
    const status = error?.status;
    const text = error instanceof Error ? error.message : String(error);
    return typeof status === 'number' ? `HTTP ${status}: ${text}` : text;
}


/***/ }),

/***/ 12226:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AV: () => (/* binding */ githubStatus),
/* harmony export */   FI: () => (/* binding */ planResend),
/* harmony export */   Re: () => (/* binding */ planTransition),
/* harmony export */   SX: () => (/* binding */ recordAfter),
/* harmony export */   pK: () => (/* binding */ mayAlreadyExist)
/* harmony export */ });
/* harmony import */ var _service_data_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(72461);
/**
 * The rules (DESIGN.md "The rules", after brep): given the recorded service data and one
 * reported transition, decide per build whether to create, update or skip its check run.
 * Pure: the plan is data that apply.ts executes; `recordAfter` says what to store afterwards.
 *
 * Per build, with R the recorded record and T the transition:
 * - no R: queued and built create; building skips (a nice-to-have notification).
 * - T older generation than R: skip with a warning (a later state is never overwritten).
 * - T newer generation than R (a re-run job): start over, writing T's state to R's check run
 *   (update when its id is known, else create), so no run of the old attempt is left behind.
 * - same generation, T's state after R's (queued → building → built): write T.
 * - same generation, same state: queued and building skip ("unexpected rebuild", duplicate);
 *   built creates a new completed check run (a rebuild) when R is synced.
 * - same generation, T's state before R's: skip, "out of order".
 * - R not synced: whatever would skip re-sends R instead (so the next notification repairs it),
 *   and a write updates R's run when its id is known, else creates (apply first adopts a run a
 *   lost reply may have made: see mayAlreadyExist).
 * "Write" = update when R has a check_run_id, else create.
 */

/** GitHub's check-run status for a build state. */
function githubStatus(state) {
    return state === 'queued' ? 'queued' : state === 'building' ? 'in_progress' : 'completed';
}
function checkTransition(t) {
    if (!['queued', 'building', 'built'].includes(t.state)) {
        throw new TypeError(`unknown transition state ${JSON.stringify(t.state)}`);
    }
    if (!Number.isSafeInteger(t.generation) || t.generation < 0) {
        throw new TypeError(`transition generation must be a non-negative integer, got ${t.generation}`);
    }
    if (t.state === 'built' && !t.conclusion) {
        throw new TypeError('a built transition needs a conclusion');
    }
    if (!(0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .isIsoTime */ .dZ)(t.at))
        throw new TypeError(`transition time must be ISO 8601 with a zone, got ${t.at}`);
}
/** Plans only produce records that parse back: ids and names are checked here too. */
function checkBuild(build, name) {
    const problem = (0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .buildIdProblem */ .J6)(build);
    if (problem)
        throw new TypeError(`build id ${JSON.stringify(build)} ${problem}`);
    if (typeof name !== 'string' || name === '') {
        throw new TypeError(`the check run name of build ${JSON.stringify(build)} is empty`);
    }
}
/** The record T leaves, before GitHub's reply (ids kept only when its run is reused). */
function recordFor(t, name, previous, reuseRun) {
    const record = {
        name,
        state: t.state,
        generation: t.generation,
        state_synced: true,
        updated_at: t.at,
    };
    if (reuseRun && previous?.check_run_id !== undefined) {
        record.check_run_id = previous.check_run_id;
        if (previous.node_id !== undefined)
            record.node_id = previous.node_id;
    }
    if (t.state === 'built')
        record.conclusion = t.conclusion;
    const details_url = t.details_url ?? previous?.details_url;
    if (details_url !== undefined)
        record.details_url = details_url;
    const reporter = t.reporter ?? previous?.reporter;
    if (reporter !== undefined)
        record.reporter = reporter;
    return record;
}
/** Update the run `previous` names, or create one when its id is unknown. */
function write(build, previous, record) {
    if (previous?.check_run_id !== undefined && record.check_run_id === previous.check_run_id) {
        const op = { op: 'update', build, check_run_id: previous.check_run_id, record };
        if (previous.node_id !== undefined)
            op.node_id = previous.node_id;
        return op;
    }
    const { check_run_id: _id, node_id: _node, ...fresh } = record;
    return { op: 'create', build, record: fresh };
}
/** Re-sends a record as it is (reconcile, or a notification that finds it unsynced). */
function resend(build, record, name) {
    return write(build, record, { ...record, name, state_synced: true });
}
function planOne(data, build, t, name, warnings) {
    const previous = (0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .recordOf */ .zv)(data, build);
    const label = `build ${JSON.stringify(build)}`;
    // Skips carry a warning; an unsynced record is re-sent instead of skipped.
    const skip = (reason, warn) => {
        if (previous && !previous.state_synced) {
            warnings.push(`${label}: ${reason}; re-sending its recorded state, which may not have reached GitHub`);
            return resend(build, previous, name);
        }
        if (warn)
            warnings.push(`${label}: ${reason}; skipped`);
        return { op: 'skip', build, reason };
    };
    if (!previous) {
        if (t.state === 'building') {
            return { op: 'skip', build, reason: 'building reported before queued: no check run to update' };
        }
        return write(build, undefined, recordFor(t, name, undefined, false));
    }
    if (t.generation < previous.generation) {
        return skip(`${t.state} of run attempt ${t.generation} arrived after attempt ${previous.generation} was recorded (out of order)`, true);
    }
    if (t.generation > previous.generation) {
        // A re-run: the same check run goes back to T's state.
        return write(build, previous, recordFor(t, name, previous, true));
    }
    const ahead = (0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .stateRank */ .g3)(t.state) - (0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .stateRank */ .g3)(previous.state);
    if (ahead > 0)
        return write(build, previous, recordFor(t, name, previous, true));
    if (ahead < 0) {
        return skip(`${t.state} arrived after ${previous.state} was recorded (out of order)`, true);
    }
    switch (t.state) {
        case 'queued':
            return skip('queued again while already queued (unexpected rebuild)', true);
        case 'building':
            return skip('building reported twice (duplicate)', true);
        case 'built':
            // A rebuild: a new completed check run, unless the recorded one never reached GitHub.
            return previous.state_synced
                ? write(build, undefined, recordFor(t, name, previous, false))
                : write(build, previous, recordFor(t, name, previous, true));
    }
}
/**
 * Plans one transition for each of `builds` (each once, in order). `names(build)` gives the
 * check run's name. Throws TypeError for an invalid transition, build id or name (a caller's
 * bug: inputs.ts validates user input first), so every planned record parses back.
 */
function planTransition(data, builds, t, names) {
    checkTransition(t);
    const operations = [];
    const warnings = [];
    for (const build of new Set(builds)) {
        const name = names(build);
        checkBuild(build, name);
        operations.push(planOne(data, build, t, name, warnings));
    }
    return { operations, warnings };
}
/**
 * Re-sends every record not known to be on GitHub (reconcile): an update when its run's id is
 * known, else a create (apply adopts first). Records keep their `updated_at`.
 */
function planResend(data, names) {
    const operations = [];
    for (const build of Object.keys(data.check_runs).sort()) {
        const record = (0,_service_data_js__WEBPACK_IMPORTED_MODULE_0__/* .recordOf */ .zv)(data, build);
        if (!record.state_synced)
            operations.push(resend(build, record, names ? names(build) : record.name));
    }
    return { operations, warnings: [] };
}
/**
 * true when a create for this build may duplicate a run a lost reply already made: the build
 * has a record without a check run id. apply lists the app's runs on the commit and adopts
 * `findAdoptable(...)` (an update of that run) before creating.
 */
function mayAlreadyExist(previous) {
    return previous !== undefined && previous.check_run_id === undefined;
}
/**
 * The record to store after apply ran `op`: the planned record with GitHub's ids and whether
 * the reply confirmed it. A write is only synced when the run's id is known, since only then
 * can a later transition update it. `updated_at` stays the transition's time (the merge
 * relies on it to tell re-sends of one transition from a newer one).
 */
function recordAfter(op, result) {
    const knownId = op.op === 'update' ? op.check_run_id : op.record.check_run_id;
    const knownNode = op.op === 'update' ? (op.node_id ?? op.record.node_id) : op.record.node_id;
    const check_run_id = result.check_run_id ?? knownId;
    const record = { ...op.record };
    delete record.check_run_id;
    delete record.node_id;
    if (check_run_id !== undefined) {
        record.check_run_id = check_run_id;
        const node_id = result.node_id ?? (check_run_id === knownId ? knownNode : undefined);
        if (node_id !== undefined)
            record.node_id = node_id;
    }
    record.state_synced = result.synced && check_run_id !== undefined;
    return record;
}


/***/ }),

/***/ 32023:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Kd: () => (/* binding */ conclusionMayExist),
/* harmony export */   Ob: () => (/* binding */ planConclusionRun),
/* harmony export */   Ts: () => (/* binding */ conclusionRecordAfter)
/* harmony export */ });
/* harmony import */ var _checks_aggregate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(99622);
/* harmony import */ var _checks_conclusion_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(28570);
/* harmony import */ var _session_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(31243);



/** What to do with the CONCLUSION run, given the suite as it will be after this step's writes. */
function planConclusionRun(session, data, options) {
    const { inputs, ctx } = session;
    const result = (0,_checks_conclusion_js__WEBPACK_IMPORTED_MODULE_0__/* .suiteConclusion */ .ic)(data, { warningAs: inputs.warningAs, final: options.final });
    if (!inputs.conclusionCheck)
        return { result };
    const recorded = data.conclusion_run;
    const step = (0,_checks_conclusion_js__WEBPACK_IMPORTED_MODULE_0__/* .conclusionStep */ .qE)(recorded, result);
    let state;
    switch (step.op) {
        case 'none':
            return { result };
        case 'refresh':
            // Without aggregate mode each build's own run shows its state: the table waits for the end.
            if (!options.aggregate || !(0,_checks_aggregate_js__WEBPACK_IMPORTED_MODULE_2__/* .shouldRefreshAggregate */ .GU)(recorded?.summary_updated_at, options.now, inputs.aggregateIntervalSeconds, false)) {
                return { result };
            }
            state = 'building';
            break;
        default:
            state = step.state;
            // Opening a run where none is recorded is the queued step's (or a re-run's) job: two
            // building jobs racing to create it would leave a duplicate open.
            if (step.op === 'create' && state === 'building' && !options.mayOpen && (recorded === undefined || recorded.generation >= step.generation)) {
                return { result };
            }
    }
    const generation = step.generation;
    const record = {
        name: inputs.conclusionName,
        state,
        generation,
        state_synced: true,
        updated_at: options.now,
        details_url: ctx.runUrl,
    };
    if (state === 'built')
        record.conclusion = result.conclusion ?? 'failure';
    const output = (0,_checks_conclusion_js__WEBPACK_IMPORTED_MODULE_0__/* .conclusionOutput */ .lF)(data, {
        warningAs: inputs.warningAs,
        final: options.final,
        aggregate: options.aggregate,
        serverUrl: ctx.serverUrl,
    });
    const reuse = recorded?.check_run_id !== undefined && step.op !== 'create';
    const op = reuse
        ? {
            op: 'update',
            build: _session_js__WEBPACK_IMPORTED_MODULE_1__/* .CONCLUSION_BUILD */ .PB,
            check_run_id: recorded.check_run_id,
            ...(recorded.node_id ? { node_id: recorded.node_id } : {}),
            record: { ...record, check_run_id: recorded.check_run_id, ...(recorded.node_id ? { node_id: recorded.node_id } : {}) },
        }
        : { op: 'create', build: _session_js__WEBPACK_IMPORTED_MODULE_1__/* .CONCLUSION_BUILD */ .PB, record };
    return { result, op, output };
}
/** The CONCLUSION run's record after apply wrote it. */
function conclusionRecordAfter(applied, now) {
    const r = applied.record;
    const record = {
        state: r.state === 'queued' ? 'building' : r.state,
        generation: Math.max(1, r.generation),
        state_synced: r.state_synced,
        updated_at: r.updated_at,
        summary_updated_at: now,
    };
    if (r.check_run_id !== undefined)
        record.check_run_id = r.check_run_id;
    if (r.node_id !== undefined)
        record.node_id = r.node_id;
    if (r.state === 'built')
        record.conclusion = r.conclusion === 'success' ? 'success' : 'failure';
    return record;
}
/** Whether a create of the CONCLUSION run may duplicate one a lost reply made. */
function conclusionMayExist(recorded, op) {
    return recorded !== undefined && recorded.check_run_id === undefined && recorded.generation === op.record.generation;
}


/***/ })

};
