export const id = 424;
export const ids = [424];
export const modules = {

/***/ 50247:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ sendWrites)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _checks_apply_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(74201);
/* harmony import */ var _checks_rules_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(12226);
/* harmony import */ var _checks_service_data_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(72461);
/* harmony import */ var _checks_titles_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(21178);
/* harmony import */ var _github_check_runs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2842);
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(96584);
/* harmony import */ var _conclusion_run_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(32023);
/* harmony import */ var _session_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(31243);
// Sends one step's check-run writes (builds, and the CONCLUSION run when due) through applyPlan:
// one GraphQL request for up to 34 of them, the repository's node id from the event, the state,
// or one lookup that the state then remembers.









async function nodeIdFor(session, data) {
    const known = session.repositoryNodeId ?? data.repository_node_id;
    if (known)
        return { id: known, lookedUp: false };
    try {
        return { id: await (0,_github_check_runs_js__WEBPACK_IMPORTED_MODULE_5__/* .repositoryNodeId */ .We)(session.github, session.ctx.owner, session.ctx.repo), lookedUp: true };
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not read the repository's node id: ${(0,_github_client_js__WEBPACK_IMPORTED_MODULE_6__/* .githubMessage */ .hg)(error)}.`);
        return { lookedUp: false };
    }
}
async function sendWrites(session, data, writes, user, conclusion, now = new Date().toISOString()) {
    const ops = conclusion?.op ? [...writes, conclusion.op] : writes;
    if (ops.length === 0)
        return { builds: [] };
    const { key } = session;
    const node = await nodeIdFor(session, data);
    const target = conclusion?.op?.record.generation ?? 1;
    const applied = await (0,_checks_apply_js__WEBPACK_IMPORTED_MODULE_1__/* .applyPlan */ .g)(session.github, ops, {
        owner: session.ctx.owner,
        repo: session.ctx.repo,
        headSha: key.head_sha,
        repositoryNodeId: node.id,
        appId: session.auth.appId,
        externalId: (build, record) => build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB ? (0,_session_js__WEBPACK_IMPORTED_MODULE_8__/* .conclusionExternalId */ .kD)(key, record.generation) : (0,_checks_service_data_js__WEBPACK_IMPORTED_MODULE_3__/* .externalId */ .pP)(key, build, record.generation),
        outputFor: (op) => {
            if (op.build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB)
                return conclusion.output;
            const output = (0,_checks_titles_js__WEBPACK_IMPORTED_MODULE_4__/* .outputFor */ .Jf)(op.record, user);
            if (user.annotations)
                output.annotations = user.annotations;
            return output;
        },
        mayAlreadyExist: (build) => build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB
            ? (0,_conclusion_run_js__WEBPACK_IMPORTED_MODULE_7__/* .conclusionMayExist */ .Kd)(data.conclusion_run, conclusion.op)
            : (0,_checks_rules_js__WEBPACK_IMPORTED_MODULE_2__/* .mayAlreadyExist */ .pK)((0,_checks_service_data_js__WEBPACK_IMPORTED_MODULE_3__/* .recordOf */ .zv)(data, build)),
        adoptable: (runs, build) => build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB
            ? runs.filter((r) => r.external_id === (0,_session_js__WEBPACK_IMPORTED_MODULE_8__/* .conclusionExternalId */ .kD)(key, target)).sort((a, b) => b.id - a.id)[0]
            : (0,_checks_service_data_js__WEBPACK_IMPORTED_MODULE_3__/* .findAdoptable */ ._m)(runs, key, build),
    });
    for (const a of applied)
        if (a.warning)
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${a.build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB ? 'CONCLUSION check run' : `build "${a.build}"`}: ${a.warning}`);
    const result = { builds: applied.filter((a) => a.build !== _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB) };
    const c = applied.find((a) => a.build === _session_js__WEBPACK_IMPORTED_MODULE_8__/* .CONCLUSION_BUILD */ .PB);
    if (c)
        result.conclusion = { applied: c, record: (0,_conclusion_run_js__WEBPACK_IMPORTED_MODULE_7__/* .conclusionRecordAfter */ .Ts)(c, now) };
    if (node.lookedUp)
        result.lookedUpRepositoryNodeId = node.id;
    return result;
}


/***/ }),

/***/ 85424:
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
var auth_inputs = __webpack_require__(15571);
// EXTERNAL MODULE: ./src/checks/aggregate.ts
var checks_aggregate = __webpack_require__(99622);
// EXTERNAL MODULE: ./src/checks/inputs.ts
var checks_inputs = __webpack_require__(41704);
// EXTERNAL MODULE: ./src/checks/rules.ts
var rules = __webpack_require__(12226);
// EXTERNAL MODULE: ./src/checks/service-data.ts + 2 modules
var service_data = __webpack_require__(72461);
// EXTERNAL MODULE: ./src/checks/titles.ts
var titles = __webpack_require__(21178);
// EXTERNAL MODULE: ./src/context.ts
var context = __webpack_require__(40788);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/commands/conclusion-run.ts
var conclusion_run = __webpack_require__(32023);
// EXTERNAL MODULE: ./src/commands/session.ts + 8 modules
var commands_session = __webpack_require__(31243);
// EXTERNAL MODULE: ./src/commands/suite-writes.ts
var suite_writes = __webpack_require__(50247);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/commands/transition-inputs.ts
// The inputs of queued / building / built, read and checked before any request: a bad value or
// an unreadable file stops the step before anything reaches GitHub or the store.





/** Larger input files are refused: nothing GitHub accepts in a check run comes near this. */
const MAX_INPUT_FILE_BYTES = 1024 * 1024;
const CUT_NOTICE = '\n\n… (cut to fit GitHub\'s limit of 65535 bytes)';
/** A file given by a `*-file` input, relative to the workspace; every failure names the input and file. */
function readInputFile(input, file) {
    const resolved = external_node_path_default().resolve(process.env.GITHUB_WORKSPACE || process.cwd(), file);
    let size;
    try {
        const stat = external_node_fs_default().statSync(resolved);
        if (!stat.isFile())
            throw new errors/* UserError */.y(`${input}: ${file} is not a file.`);
        size = stat.size;
    }
    catch (error) {
        if (error instanceof errors/* UserError */.y)
            throw error;
        const code = error.code;
        throw new errors/* UserError */.y(code === 'ENOENT'
            ? `${input}: ${file} does not exist (looked for ${resolved}). Check the path; relative paths start at the workspace.`
            : `${input}: cannot read ${file} (${code ?? String(error)}).`);
    }
    if (size > MAX_INPUT_FILE_BYTES) {
        throw new errors/* UserError */.y(`${input}: ${file} has ${size} bytes; at most ${MAX_INPUT_FILE_BYTES} (1 MiB) are read.`);
    }
    try {
        return external_node_fs_default().readFileSync(resolved, 'utf8');
    }
    catch (error) {
        throw new errors/* UserError */.y(`${input}: cannot read ${file} (${error.code ?? String(error)}).`);
    }
}
/** Summary or text: the file wins over the inline input; both are cut to GitHub's byte limit with a notice. */
function textInput(getInput, name) {
    const file = getInput(`${name}-file`).trim();
    const value = file ? readInputFile(`${name}-file`, file) : getInput(name);
    if (value.trim() === '')
        return undefined;
    const cut = (0,checks_inputs/* truncateUtf8 */.Ck)(value, checks_inputs/* OUTPUT_TEXT_MAX_BYTES */.XO, CUT_NOTICE);
    if (cut !== value)
        core/* warning */.$e(`${name}${file ? '-file' : ''} is longer than GitHub's 65535 bytes: it was cut.`);
    return cut;
}
function urlInput(getInput, name, fallback) {
    const text = getInput(name).trim();
    if (!text)
        return fallback;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* UserError */.y(`${name} "${text}" is not a URL: give an http(s) URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new errors/* UserError */.y(`${name} "${text}" must be an http(s) URL.`);
    return text;
}
function readTransitionInputs(state, common, runUrl, getInput = (name) => core/* getInput */.V4(name)) {
    const builds = (0,checks_inputs/* parseBuilds */.dM)(getInput('builds'), common.suite, common.nameTemplate);
    const conclusionText = getInput('conclusion');
    let conclusion;
    if (state === 'built')
        conclusion = (0,checks_inputs/* parseConclusion */.pZ)(conclusionText, true);
    else if (conclusionText.trim() !== '') {
        (0,checks_inputs/* parseConclusion */.pZ)(conclusionText); // still a mistake worth naming when invalid
        core/* warning */.$e(`conclusion is used only by command: built; ignored for ${state}.`);
    }
    const annotationsFile = getInput('annotations-file').trim();
    const annotations = annotationsFile ? (0,checks_inputs/* parseAnnotations */.KX)(readInputFile('annotations-file', annotationsFile)) : undefined;
    const title = getInput('title').trim();
    if (title.length > 1000)
        throw new errors/* UserError */.y(`title has ${title.length} characters; keep it under 1000 (one line).`);
    return {
        state,
        builds,
        conclusion,
        title: title || undefined,
        summary: textInput(getInput, 'summary'),
        text: textInput(getInput, 'text'),
        annotations: annotations?.length ? annotations : undefined,
        detailsUrl: urlInput(getInput, 'details-url', runUrl),
    };
}

;// CONCATENATED MODULE: ./src/commands/transition.ts
// command: queued | building | built — report builds' state transitions as check runs.
// inputs -> token -> read the suite's state -> rules -> one GraphQL request -> write this step's
// fragment -> outputs and step summary. Requests to GitHub per step (the token's two, plus):
// one GraphQL request for up to 34 check runs (the CONCLUSION run rides along), one repository
// lookup only when neither the event nor the state has its node id, one listing only when the
// state is lost or corrupt (or a reply was lost). The token is not revoked (see session.ts).













const STATES = { queued: 'queued', building: 'building', built: 'built' };
async function run() {
    const command = core/* getInput */.V4('command').trim().toLowerCase();
    const state = STATES[command];
    if (!state)
        throw new errors/* UserError */.y(`command "${command}" is not a transition: use queued, building or built.`);
    // Every input first: a bad one must write nothing to GitHub or the store.
    const ctx = (0,context/* readRunContext */.$)();
    const common = (0,commands_session/* readCommonInputs */.di)(ctx);
    const inputs = readTransitionInputs(state, common, ctx.runUrl);
    const app = (0,auth_inputs/* readAppInputs */.$j)();
    const session = await (0,commands_session/* openSession */.fA)({ ctx, inputs: common, app });
    await report(session, inputs);
}
async function report(session, inputs) {
    const { ctx, key, inputs: common } = session;
    const now = new Date().toISOString();
    const read = await (0,commands_session/* readSuite */.xj)(session, key, { expect: inputs.state === 'queued' ? [] : inputs.builds });
    const data = read.data;
    const transition = {
        state: inputs.state,
        generation: ctx.runAttempt,
        at: now,
        details_url: inputs.detailsUrl,
        reporter: { run_id: ctx.runId || 1, run_attempt: ctx.runAttempt, job: ctx.job || 'job', job_url: ctx.runUrl },
        ...(inputs.conclusion ? { conclusion: inputs.conclusion } : {}),
    };
    const plan = (0,rules/* planTransition */.Re)(data, inputs.builds, transition, (build) => (0,checks_inputs/* renderName */.gU)(common.nameTemplate, common.suite, build));
    for (const w of plan.warnings)
        core/* warning */.$e(w);
    // Aggregate mode: past aggregate-above builds only the CONCLUSION run reports the suite.
    const buildCount = new Set([...Object.keys(data.check_runs), ...inputs.builds]).size;
    const decision = (0,checks_aggregate/* decideAggregate */.cR)({
        buildCount,
        aggregateAbove: common.aggregateAbove,
        rateLimitRemaining: session.rateLimitRemaining(),
        alreadyAggregate: data.aggregate !== undefined,
    });
    const aggregate = decision.aggregate && common.conclusionCheck;
    if (decision.aggregate && !common.conclusionCheck) {
        core/* warning */.$e(`Aggregate mode would apply (${decision.reason}), but conclusion-check is false: every build keeps its own check run.`);
    }
    const switched = aggregate && data.aggregate === undefined ? { since: now, reason: decision.reason ?? 'aggregate mode' } : undefined;
    if (switched)
        core/* notice */.lm(`Aggregate mode: ${switched.reason}. Only the "${common.conclusionName}" check run reports this suite.`);
    const writes = [];
    const local = [];
    const localBuilds = [];
    const skipped = new Map();
    for (const op of plan.operations) {
        if (op.op === 'skip')
            skipped.set(op.build, op.reason);
        else if (aggregate && !(0,checks_aggregate/* buildGetsCheckRun */.d9)(true, (0,service_data/* recordOf */.zv)(data, op.build))) {
            local.push({ ...op.record, state_synced: true }); // nothing to send: the CONCLUSION run counts it
            localBuilds.push(op.build);
        }
        else
            writes.push(op);
    }
    // The suite as it will be once this step's writes land: what the CONCLUSION run shows.
    const planned = { ...(0,service_data/* emptyServiceData */.H1)(key), check_runs: {} };
    for (const op of writes)
        (0,service_data/* setOwn */.P5)(planned.check_runs, op.build, op.record);
    local.forEach((r, i) => (0,service_data/* setOwn */.P5)(planned.check_runs, localBuilds[i], r));
    if (switched)
        planned.aggregate = switched;
    const after = (0,service_data/* mergeServiceData */.g0)(data, planned);
    const conclusion = (0,conclusion_run/* planConclusionRun */.Ob)(session, after, { final: false, mayOpen: inputs.state === 'queued', aggregate, now });
    const sent = await (0,suite_writes/* sendWrites */.r)(session, data, writes, inputs, conclusion, now);
    // This step's fragment: the builds it touched (and records rebuilt from GitHub for them).
    const fragment = (0,service_data/* emptyServiceData */.H1)(key);
    const outcomes = [];
    for (const build of inputs.builds) {
        const applied = sent.builds.find((a) => a.build === build);
        const localIndex = localBuilds.indexOf(build);
        const record = applied?.record ?? (localIndex >= 0 ? local[localIndex] : (0,service_data/* recordOf */.zv)(data, build));
        if (applied || localIndex >= 0 || (record && read.rebuilt.includes(build)))
            (0,service_data/* setOwn */.P5)(fragment.check_runs, build, record);
        outcomes.push({ build, record, url: applied?.url, skipped: skipped.get(build) });
    }
    if (switched)
        fragment.aggregate = switched;
    if (sent.conclusion)
        fragment.conclusion_run = sent.conclusion.record;
    if (sent.lookedUpRepositoryNodeId)
        fragment.repository_node_id = sent.lookedUpRepositoryNodeId;
    if (!aggregate && !switched) {
        // The installation's remaining budget, known only now: switch later steps if it ran low.
        const late = (0,checks_aggregate/* decideAggregate */.cR)({ buildCount, aggregateAbove: common.aggregateAbove, rateLimitRemaining: session.rateLimitRemaining(), alreadyAggregate: false });
        if (late.aggregate && common.conclusionCheck) {
            fragment.aggregate = { since: now, reason: late.reason ?? 'low rate limit' };
            core/* warning */.$e(`Switching the suite to aggregate mode for its next steps: ${late.reason}.`);
        }
    }
    const saved = Object.keys(fragment.check_runs).length > 0 || fragment.aggregate || fragment.conclusion_run || fragment.repository_node_id
        ? await (0,commands_session/* writeSuite */.ol)(session, key, fragment)
        : { saved: true };
    // Outputs and the step summary.
    const runUrl = (id) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`);
    const checkRuns = {};
    for (const o of outcomes) {
        (0,service_data/* setOwn */.P5)(checkRuns, o.build, {
            id: o.record?.check_run_id ?? null,
            url: o.url ?? runUrl(o.record?.check_run_id),
            state: o.record?.state ?? null,
            synced: o.record?.state_synced ?? true,
        });
    }
    const unsynced = outcomes.filter((o) => o.record && !o.record.state_synced && !o.skipped).length +
        (sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0);
    core/* setOutput */.uH('check-runs', JSON.stringify(checkRuns));
    core/* setOutput */.uH('unsynced', String(unsynced));
    await writeStepSummary(session, inputs.state, outcomes, aggregate, runUrl(sent.conclusion?.record.check_run_id ?? after.conclusion_run?.check_run_id));
    core/* info */.pq(`${inputs.state}: ${inputs.builds.length} build(s), ${sent.builds.length} check run write(s)` +
        `${sent.conclusion ? `, CONCLUSION ${sent.conclusion.record.state}` : ''}, ${skipped.size} skipped, ${unsynced} unsynced; ` +
        `${session.requestCount()} request(s) with the installation token.`);
    const problems = [];
    if (unsynced > 0)
        problems.push(`${unsynced} transition(s) may not have reached GitHub (reconcile re-sends them)`);
    if (!saved.saved)
        problems.push('the state could not be saved');
    if (problems.length > 0 && common.failOnUnsynced) {
        throw new errors/* UserError */.y(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`);
    }
}
async function writeStepSummary(session, state, outcomes, aggregate, conclusionUrl) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    const { inputs } = session;
    const rows = outcomes.map((o) => {
        const shown = o.record ? (0,titles/* titleFor */.Q$)(o.record) : '—';
        const url = (0,titles/* safeUrl */.Pl)(o.record?.check_run_id !== undefined ? `${session.ctx.serverUrl}/${session.ctx.repository}/runs/${o.record.check_run_id}` : (aggregate ? conclusionUrl ?? undefined : undefined));
        const link = url ? `[${o.record?.check_run_id !== undefined ? 'check run' : 'CONCLUSION'}](${url})` : '—';
        const note = o.skipped ? ` (skipped: ${(0,titles/* escapeMarkdown */.FV)(o.skipped)})` : o.record && !o.record.state_synced ? ' (may not have reached GitHub)' : '';
        return `| ${(0,titles/* escapeMarkdown */.FV)(o.build)} | ${shown}${note} | ${link} |`;
    });
    const lines = [
        `### ${(0,titles/* escapeMarkdown */.FV)(inputs.suite)}: ${state}`,
        '',
        ...(aggregate ? [`Aggregate mode: the builds are counted in the ${(0,titles/* escapeMarkdown */.FV)(inputs.conclusionName)} check run.`, ''] : []),
        '| Build | State | Link |',
        '| --- | --- | --- |',
        ...rows,
        '',
    ];
    try {
        await core/* summary */.z.addRaw(lines.join('\n')).write();
    }
    catch (error) {
        core/* warning */.$e(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`);
    }
}


/***/ })

};
