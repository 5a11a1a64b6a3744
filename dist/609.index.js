export const id = 609;
export const ids = [609];
export const modules = {

/***/ 4609:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _auth_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(15571);
/* harmony import */ var _checks_service_data_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(72461);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(40788);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(83916);
/* harmony import */ var _conclusion_run_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(32023);
/* harmony import */ var _session_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(31243);
/* harmony import */ var _suite_writes_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(50247);
// command: conclude — run after every build job (needs: [...], if: always()): completes the
// suite's CONCLUSION check run from the merged state, counting builds that never reported their
// end as failed, and outputs the conclusion. Requests: the token's two, one GraphQL request
// (none when the run is already complete), a listing only when the state is lost.








async function run() {
    const ctx = (0,_context_js__WEBPACK_IMPORTED_MODULE_3__/* .readRunContext */ .$)();
    const common = (0,_session_js__WEBPACK_IMPORTED_MODULE_6__/* .readCommonInputs */ .di)(ctx);
    const app = (0,_auth_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .readAppInputs */ .$j)();
    const session = await (0,_session_js__WEBPACK_IMPORTED_MODULE_6__/* .openSession */ .fA)({ ctx, inputs: common, app });
    const now = new Date().toISOString();
    const read = await (0,_session_js__WEBPACK_IMPORTED_MODULE_6__/* .readSuite */ .xj)(session);
    const data = read.data;
    const aggregate = data.aggregate !== undefined;
    const plan = (0,_conclusion_run_js__WEBPACK_IMPORTED_MODULE_5__/* .planConclusionRun */ .Ob)(session, data, { final: true, mayOpen: true, aggregate, now });
    const sent = await (0,_suite_writes_js__WEBPACK_IMPORTED_MODULE_7__/* .sendWrites */ .r)(session, data, [], {}, plan, now);
    const fragment = (0,_checks_service_data_js__WEBPACK_IMPORTED_MODULE_2__/* .emptyServiceData */ .H1)(session.key);
    if (sent.conclusion)
        fragment.conclusion_run = sent.conclusion.record;
    if (sent.lookedUpRepositoryNodeId)
        fragment.repository_node_id = sent.lookedUpRepositoryNodeId;
    const saved = sent.conclusion ? await (0,_session_js__WEBPACK_IMPORTED_MODULE_6__/* .writeSuite */ .ol)(session, session.key, fragment) : { saved: true };
    const { result } = plan;
    const conclusion = result.conclusion ?? 'failure';
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('conclusion', conclusion);
    const unsynced = sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('unsynced', String(unsynced));
    const record = sent.conclusion?.record ?? data.conclusion_run;
    if (record?.check_run_id !== undefined) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('check-runs', JSON.stringify({
            [common.conclusionName]: {
                id: record.check_run_id,
                url: `${ctx.serverUrl}/${ctx.repository}/runs/${record.check_run_id}`,
                state: record.state,
                synced: record.state_synced,
            },
        }));
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Suite "${common.suite}": ${conclusion} — ${result.total} build(s), ${result.failed.length} failed, ` +
        `${result.unfinished.length} never finished.` +
        (common.conclusionCheck ? (sent.conclusion ? ` ${common.conclusionName} completed.` : ` ${common.conclusionName} was already complete.`) : ''));
    if (process.env.GITHUB_STEP_SUMMARY && plan.output) {
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(`### ${plan.output.title}\n\n${plan.output.summary}\n`).write().catch(() => undefined);
    }
    const problems = [];
    if (unsynced)
        problems.push('the CONCLUSION check run may not have reached GitHub');
    if (!saved.saved)
        problems.push('the state could not be saved');
    if (problems.length > 0 && common.failOnUnsynced) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .y(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`);
    }
}


/***/ }),

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


/***/ })

};
