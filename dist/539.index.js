export const id = 539;
export const ids = [539];
export const modules = {

/***/ 67539:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _auth_app_auth_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(82610);
/* harmony import */ var _auth_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(15571);
/* harmony import */ var _auth_permissions_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(31546);
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(96584);
// command: token — mint an installation access token for later steps (revoked in the post step).
//
// Requests, at most (a clock-skew retry adds one):
//   installation-id given:  POST access_tokens ‖ GET /app/installations/{id} (at once; for app-slug), GET /users/{slug}[bot]
//   repositories (or none): GET /repos/{owner}/{repo}/installation, POST access_tokens, GET /users/{slug}[bot]
//   owner only:             GET /orgs/{owner}/installation (+ GET /users/{owner}/installation when it is a user
//                           and the event does not say so), POST access_tokens, GET /users/{slug}[bot]
// The access-token reply carries no app slug; the installation reply does, so the lookup path
// gets it free and the installation-id path fetches it beside the token request, costing no wait.





/** Names under which main saves what post needs: post.ts reads STATE_token, STATE_api-url, STATE_expires-at. */
const STATE = { token: 'token', apiUrl: 'api-url', expiresAt: 'expires-at' };
function describeTarget(inputs) {
    if (inputs.installationId !== undefined) {
        return `installation ${inputs.installationId}${inputs.repositories.length ? `, repositories ${inputs.repositories.join(', ')}` : ''}`;
    }
    return inputs.repositories.length
        ? `${inputs.repositories.map((r) => `${inputs.owner}/${r}`).join(', ')}`
        : `all repositories of ${inputs.owner}'s installation`;
}
/** The bot's user id, for the commit e-mail; one GET, with the new token. */
async function botUserId(apiUrl, token, botName) {
    try {
        const client = (0,_github_client_js__WEBPACK_IMPORTED_MODULE_4__/* .createGitHubClient */ .LX)({ token, apiUrl });
        const { data } = await client.request('GET /users/{username}', { username: botName });
        return Number(data.id);
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not look up the user ${botName} (${(0,_github_client_js__WEBPACK_IMPORTED_MODULE_4__/* .githubMessage */ .hg)(error)}): bot-committer-email is left empty.`);
        return undefined;
    }
}
async function run() {
    const inputs = (0,_auth_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .readAppInputs */ .$j)();
    const skipRevoke = (0,_auth_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .parseBooleanInput */ .S8)('skip-token-revoke', _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4('skip-token-revoke'), false);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Minting an installation token for ${describeTarget(inputs)}.`);
    const auth = await (0,_auth_app_auth_js__WEBPACK_IMPORTED_MODULE_1__/* .createAppAuth */ .K)(inputs, { wantAppSlug: true });
    const minted = await auth.getTokenDetails(); // masked as soon as GitHub handed it over
    if (!skipRevoke) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(STATE.token, minted.token);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(STATE.apiUrl, inputs.apiUrl);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(STATE.expiresAt, minted.expiresAt);
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('token', minted.token);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('installation-id', String(auth.installationId));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('expires-at', minted.expiresAt);
    const slug = auth.appSlug;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('app-slug', slug ?? '');
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Token of ${slug ?? 'the app'} for installation ${auth.installationId}${auth.account ? ` on ${auth.account}` : ''}: ` +
        `${minted.repositories ? `repositories ${minted.repositories.join(', ')}` : `${minted.repositorySelection ?? 'all'} repositories`}; ` +
        `permissions ${(0,_auth_permissions_js__WEBPACK_IMPORTED_MODULE_3__/* .formatPermissions */ .A6)(minted.permissions) || 'none'}; expires ${minted.expiresAt}` +
        `${skipRevoke ? '; not revoked at the end of the job (skip-token-revoke)' : '; revoked at the end of the job'}.`);
    if (!slug) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e('GitHub did not say the app\'s slug: app-slug, bot-username and bot-committer-email are left empty.');
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('bot-username', '');
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('bot-committer-email', '');
        return;
    }
    const botName = `${slug}[bot]`;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('bot-username', botName);
    const userId = await botUserId(inputs.apiUrl, minted.token, botName);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH('bot-committer-email', userId === undefined ? '' : `${userId}+${botName}@users.noreply.github.com`);
}


/***/ })

};
