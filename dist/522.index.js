export const id = 522;
export const ids = [522];
export const modules = {

/***/ 82610:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  K: () => (/* binding */ createAppAuth)
});

// UNUSED EXPORTS: REFRESH_WINDOW_MS

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: ./src/github/client.ts
var github_client = __webpack_require__(96584);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/auth/permissions.ts + 1 modules
var permissions = __webpack_require__(31546);
;// CONCATENATED MODULE: ./src/auth/access-token.ts
// Installation access tokens: the exchange (app JWT → token) and the revocation.



async function explain422(error, request) {
    const said = (0,github_client/* githubMessage */.hg)(error);
    let lacking = [];
    if (request.permissions) {
        const granted = await request.granted?.().catch(() => undefined);
        if (granted)
            lacking = (0,permissions/* missingPermissions */.HR)(request.permissions, granted);
        else {
            // Without the installation's permissions, use the fields GitHub's reply may name.
            const fields = new Set((error.response?.data?.errors ?? []).map((e) => e.field).filter((f) => !!f));
            lacking = Object.entries(request.permissions)
                .filter(([name]) => fields.has(name))
                .map(([name, level]) => ({ name, requested: level ?? '', granted: 'less' }));
        }
    }
    if (lacking.length > 0) {
        return new errors/* UserError */.y(`The installation does not grant ${lacking.map((l) => `${l.name}: ${l.requested} (it grants ${l.granted})`).join(', ')}. ` +
            `Lower or remove ${lacking.map((l) => (0,permissions/* permissionInputName */.P5)(l.name)).join(', ')}, or add the permission in the app's settings ` +
            'and have the installation accept it.');
    }
    if (/permission/i.test(said) && request.permissions) {
        return new errors/* UserError */.y(`GitHub refused the requested permissions (${(0,permissions/* formatPermissions */.A6)(request.permissions)}): ${said} ` +
            'Request only permissions the app has and its installation accepted.');
    }
    if (/repositor/i.test(said) && request.repositories?.length) {
        return new errors/* UserError */.y(`GitHub refused the repositories (${request.repositories.join(', ')}): ${said} ` +
            'List only repositories the app\'s installation can access (check the names, and the installation\'s repository selection).');
    }
    return new errors/* UserError */.y(`GitHub refused the token request (422): ${said}`);
}
/** POST /app/installations/{id}/access_tokens, narrowed to repositories/permissions when given. */
async function createInstallationToken(client, request) {
    let data;
    try {
        ;
        ({ data } = await client.request('POST /app/installations/{installation_id}/access_tokens', {
            installation_id: request.installationId,
            ...(request.repositories?.length ? { repositories: request.repositories } : {}),
            // Levels were checked against GitHub's schema when read (permissions.ts).
            ...(request.permissions ? { permissions: request.permissions } : {}),
        }));
    }
    catch (error) {
        const status = error.status;
        if (status === 422)
            throw await explain422(error, request);
        if (status === 404) {
            throw new errors/* UserError */.y(`The app is not installed as installation ${request.installationId} (GitHub answered 404). Check installation-id, ` +
                'or leave it out to look the installation up from owner/repositories.');
        }
        if (status === 403) {
            throw new errors/* UserError */.y(`GitHub refused the token request (403): ${(0,github_client/* githubMessage */.hg)(error)}`);
        }
        throw error;
    }
    request.mask(data.token);
    return {
        token: data.token,
        expiresAt: data.expires_at,
        permissions: data.permissions ?? {},
        repositorySelection: data.repository_selection,
        repositories: data.repositories?.map((r) => r.name),
    };
}
/**
 * DELETE /installation/token, authenticated by the token itself. (The post step does the same
 * with plain fetch, to stay small.) Returns what happened, for the log.
 */
async function revokeInstallationToken(apiUrl, token) {
    try {
        await (0,github_client/* createGitHubClient */.LX)({ token, apiUrl, retries: 1 }).request('DELETE /installation/token');
        return 'revoked';
    }
    catch (error) {
        if (error.status === 401)
            return 'already invalid';
        throw error;
    }
}

// EXTERNAL MODULE: ./node_modules/jose/dist/webapi/jwt/sign.js + 9 modules
var sign = __webpack_require__(70362);
;// CONCATENATED MODULE: ./src/auth/jwt.ts

/** Back-dated against clock drift, as GitHub recommends. */
const JWT_BACKDATE_SECONDS = 60;
/** GitHub refuses an `exp` more than 10 minutes after `iat`; now + 9 min with iat = now - 60 s is exactly 10. */
const JWT_LIFETIME_SECONDS = 9 * 60;
/**
 * Signs an app JWT. `skewSeconds` is how far GitHub's clock is ahead of ours (negative when
 * behind); `nowMs` is ours.
 */
async function signAppJwt(opts) {
    const now = Math.floor((opts.nowMs ?? Date.now()) / 1000) + Math.round(opts.skewSeconds ?? 0);
    const claims = {
        iat: now - JWT_BACKDATE_SECONDS,
        exp: now + JWT_LIFETIME_SECONDS,
        iss: String(opts.issuer), // GitHub accepts the app id as a string too
    };
    const jwt = await new sign/* SignJWT */.P({})
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .setIssuer(claims.iss)
        .sign(opts.key);
    return { jwt, claims };
}
/**
 * GitHub's 401 replies when the JWT's time claims are off, e.g. "'Issued at' claim ('iat')
 * must be an Integer representing a time in the past" or "'Expiration time' claim ('exp') is
 * too far in the future".
 */
function isClockSkewError(status, message) {
    return status === 401 && /\('?(iat|exp)'?\)|issued at|expiration time/i.test(message ?? '');
}
/** GitHub's clock minus ours, in whole seconds, from a reply's `Date` header; undefined if unreadable. */
function skewFromDateHeader(date, nowMs = Date.now()) {
    if (!date)
        return undefined;
    const server = Date.parse(date);
    if (Number.isNaN(server))
        return undefined;
    return Math.round((server - nowMs) / 1000);
}
function createAppJwtSource(issuer, key) {
    const source = (async () => (await signAppJwt({ issuer, key, skewSeconds: source.skewSeconds })).jwt);
    source.skewSeconds = 0;
    return source;
}
/**
 * Runs a JWT-authenticated call; if GitHub answers 401 about `iat`/`exp`, learns the skew from
 * the reply's `Date` header and retries once.
 */
async function withClockSkewRetry(source, call, onRetry) {
    try {
        return await call();
    }
    catch (error) {
        const e = error;
        if (!isClockSkewError(e.status, e.message))
            throw error;
        const skew = skewFromDateHeader(e.response?.headers?.date);
        if (skew === undefined)
            throw error;
        source.skewSeconds = skew;
        onRetry?.(skew);
        return await call();
    }
}

;// CONCATENATED MODULE: ./src/auth/installation.ts
// Finds the app's installation for a repository, an organization or a user (app JWT calls).



function toInfo(data) {
    return {
        id: data.id,
        appId: data.app_id,
        appSlug: data.app_slug,
        account: data.account?.login ?? data.account?.slug,
        permissions: data.permissions,
        repositorySelection: data.repository_selection,
    };
}
function installation_status(error) {
    return error.status;
}
/** The app's JWT was refused (other than for its clock: withClockSkewRetry handles that). */
function jwtRejected(error) {
    if (installation_status(error) !== 401)
        return undefined;
    const said = (0,github_client/* githubMessage */.hg)(error);
    if (isClockSkewError(401, said))
        return undefined;
    return new errors/* UserError */.y(`GitHub refused the app's JWT (401${said ? `: ${said}` : ''}). Check that app-id/client-id and private-key belong to ` +
        'the same app, and that the key has not been deleted from the app\'s settings.');
}
/** A 404 from something that is not GitHub's REST API (a wrong github-api-url) answers with HTML. */
function notTheApi(error, apiUrl) {
    const type = error.response?.headers?.['content-type'] ?? '';
    if (installation_status(error) === 404 && type && !/json/.test(type)) {
        return new errors/* UserError */.y(`github-api-url ${apiUrl} does not look like GitHub's REST API (a 404 page that is not JSON). ` +
            'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.');
    }
    return undefined;
}
function notInstalled(on, hint) {
    return new errors/* UserError */.y(`The app is not installed on ${on}${hint}`);
}
/**
 * The installation that serves `owner` (and, when repositories are given, the first of them):
 * GET /repos/{owner}/{repo}/installation, or GET /orgs/{owner}/installation falling back to
 * GET /users/{owner}/installation. `ownerType`, when known from the event, skips the wrong one.
 */
async function findInstallation(client, target) {
    const { owner, repositories, ownerType, apiUrl } = target;
    const fail = (error, on, hint) => {
        throw jwtRejected(error) ?? notTheApi(error, apiUrl) ?? (installation_status(error) === 404 ? notInstalled(on, hint) : error);
    };
    const first = repositories[0];
    if (first !== undefined) {
        try {
            const { data } = await client.request('GET /repos/{owner}/{repo}/installation', { owner, repo: first });
            return toInfo(data);
        }
        catch (error) {
            return fail(error, `${owner}/${first}`, ' (or the repository does not exist). Install the app on the repository (the app\'s public page → Install or Configure), ' +
                'or fix owner/repositories.');
        }
    }
    const hint = ' (no installation on that organization or user). Install the app on the account, or fix owner.';
    if (ownerType !== 'User') {
        try {
            const { data } = await client.request('GET /orgs/{org}/installation', { org: owner });
            return toInfo(data);
        }
        catch (error) {
            if (installation_status(error) !== 404 || ownerType === 'Organization')
                fail(error, owner, hint);
        }
    }
    try {
        const { data } = await client.request('GET /users/{username}/installation', { username: owner });
        return toInfo(data);
    }
    catch (error) {
        return fail(error, owner, hint);
    }
}
/** GET /app/installations/{id}: the installation's app slug, account and permissions. */
async function getInstallation(client, installationId, apiUrl) {
    try {
        const { data } = await client.request('GET /app/installations/{installation_id}', { installation_id: installationId });
        return toInfo(data);
    }
    catch (error) {
        throw jwtRejected(error) ?? notTheApi(error, apiUrl) ??
            (installation_status(error) === 404 ? notInstalled(`installation ${installationId}`, ': there is no installation with that id for this app. Fix installation-id (the number at the end of the installation\'s settings URL).') : error);
    }
}
/** With both app-id and client-id given, they must name the same app. */
function checkAppId(expected, info, clientId) {
    if (expected !== undefined && clientId && info.appId !== undefined && info.appId !== expected) {
        throw new errors/* UserError */.y(`app-id ${expected} and client-id ${clientId} belong to different apps (client-id's app has id ${info.appId}). Pass only one of them.`);
    }
}

;// CONCATENATED MODULE: ./src/auth/app-auth.ts
// A token source for every command: finds the installation once, mints an installation token,
// and mints a new one when the current one has less than 5 minutes left.






/** A token is replaced when it has less than this left (GitHub's tokens live 1 hour). */
const REFRESH_WINDOW_MS = 5 * 60_000;
function logSkew(skew) {
    core/* info */.pq(`GitHub's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} this runner's: signing the app JWT again with that offset.`);
}
/** A clock error that survived the retry: the runner's clock is not merely off by an offset. */
function clockStillOff(error) {
    const e = error;
    if (!isClockSkewError(e.status, (0,github_client/* githubMessage */.hg)(error)))
        return undefined;
    return new errors/* UserError */.y(`GitHub refused the app JWT's time claims (${(0,github_client/* githubMessage */.hg)(error)}), also after correcting for the clock difference ` +
        'its reply showed. Check the runner\'s clock (NTP).');
}
/**
 * A 5xx or network failure that outlasted the client's retries: Octokit's message alone
 * ("Internal Server Error - https://docs.github.com/rest") does not say which call failed.
 */
function unavailable(error, what) {
    if (error instanceof errors/* UserError */.y)
        return undefined;
    const status = error.status;
    if (typeof status === 'number' && status < 500)
        return undefined;
    return new errors/* UserError */.y(`Could not ${what}: ${typeof status === 'number' ? `HTTP ${status}, ` : ''}${(0,github_client/* githubMessage */.hg)(error)}, also after retrying. ` +
        'GitHub may be unavailable (https://www.githubstatus.com): re-run the job later.');
}
async function createAppAuth(inputs, options = {}) {
    const mask = options.mask ?? ((t) => core/* setSecret */.Pq(t));
    const now = options.now ?? Date.now;
    const jwt = createAppJwtSource(inputs.issuer, inputs.privateKey);
    const appClient = (0,github_client/* createGitHubClient */.LX)({ token: jwt, apiUrl: inputs.apiUrl });
    const viaJwt = (call, what) => withClockSkewRetry(jwt, call, logSkew).catch((error) => {
        throw clockStillOff(error) ?? unavailable(error, what) ?? error;
    });
    let info;
    let infoPromise;
    let installationId = inputs.installationId;
    if (installationId === undefined) {
        info = await viaJwt(() => findInstallation(appClient, {
            owner: inputs.owner ?? '',
            repositories: inputs.repositories,
            ownerType: inputs.ownerType,
            apiUrl: inputs.apiUrl,
        }), "find the app's installation");
        installationId = info.id;
    }
    else if (options.wantAppSlug) {
        infoPromise = viaJwt(() => getInstallation(appClient, installationId, inputs.apiUrl), `read installation ${installationId}`);
        // Settled below; keep an early rejection from counting as unhandled meanwhile.
        infoPromise.catch(() => undefined);
    }
    const id = installationId;
    // What the installation grants is needed only to explain a 422: from the lookup, the
    // parallel GET, or one GET made then.
    const granted = async () => (info ?? (await (infoPromise ?? viaJwt(() => getInstallation(appClient, id, inputs.apiUrl), `read installation ${id}`)))).permissions;
    const mint = () => viaJwt(() => createInstallationToken(appClient, {
        installationId: id,
        repositories: inputs.repositories,
        permissions: inputs.permissions,
        granted,
        mask,
    }), `mint a token for installation ${id}`);
    let current;
    if (infoPromise) {
        // Both JWT calls at once: the slug costs no extra wait.
        const [tokenResult, infoResult] = await Promise.allSettled([mint(), infoPromise]);
        if (tokenResult.status === 'rejected')
            throw tokenResult.reason;
        current = tokenResult.value;
        if (infoResult.status === 'fulfilled')
            info = infoResult.value;
        else
            core/* warning */.$e(`Could not read installation ${id} (${(0,github_client/* githubMessage */.hg)(infoResult.reason)}): the app's slug is unknown.`);
        if (info) {
            try {
                checkAppId(inputs.appId, info, inputs.clientId);
            }
            catch (error) {
                await revokeInstallationToken(inputs.apiUrl, current.token).catch(() => undefined);
                throw error;
            }
        }
    }
    else {
        if (info)
            checkAppId(inputs.appId, info, inputs.clientId); // before minting: no token to clean up
        current = await mint();
    }
    const minted = [current.token];
    let renewing;
    const getTokenDetails = async () => {
        if (Date.parse(current.expiresAt) - now() > REFRESH_WINDOW_MS)
            return current;
        renewing ??= mint().then((t) => {
            current = t;
            minted.push(t.token);
            renewing = undefined;
            return t;
        }, (error) => {
            renewing = undefined;
            throw error;
        });
        return renewing;
    };
    return {
        installationId: id,
        appSlug: info?.appSlug,
        appId: info?.appId ?? inputs.appId,
        account: info?.account,
        getToken: async () => (await getTokenDetails()).token,
        getTokenDetails,
        appClient,
        revoke: async () => {
            let revoked = 0;
            for (const token of minted.splice(0)) {
                const result = await revokeInstallationToken(inputs.apiUrl, token).catch(() => 'failed');
                if (result === 'revoked')
                    revoked++;
            }
            return revoked;
        },
    };
}


/***/ }),

/***/ 15571:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  S8: () => (/* binding */ parseBooleanInput),
  $j: () => (/* binding */ readAppInputs)
});

// UNUSED EXPORTS: parseRepositories, readApiUrl

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/auth/permissions.ts + 1 modules
var permissions = __webpack_require__(31546);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/auth/private-key.ts
// Reads the app's private key as users paste it into secrets, and says exactly what is wrong
// with it otherwise. No message ever contains any part of the key.


const MIN_RSA_BITS = 2048;
const WHERE = "Generate a new private key on the app's settings page (Private keys) and store the whole .pem file in the secret.";
/** PEM labels that are not an unencrypted RSA private key, with what to tell the user. */
const WRONG_LABELS = {
    CERTIFICATE: 'private-key holds a certificate, not a private key.',
    'TRUSTED CERTIFICATE': 'private-key holds a certificate, not a private key.',
    'PUBLIC KEY': 'private-key holds a public key; the app needs its private key.',
    'RSA PUBLIC KEY': 'private-key holds a public key; the app needs its private key.',
    'ENCRYPTED PRIVATE KEY': 'private-key is encrypted with a passphrase, which GitHub App keys never are; use the key as GitHub gave it.',
    'EC PRIVATE KEY': 'private-key is an EC key; GitHub Apps sign with RSA keys.',
    'OPENSSH PRIVATE KEY': 'private-key is an OpenSSH key, not a GitHub App key.',
    'DSA PRIVATE KEY': 'private-key is a DSA key; GitHub Apps sign with RSA keys.',
};
/**
 * Undoes what secrets and YAML do to a PEM file: surrounding whitespace and quotes, literal
 * `\n` escapes, CRLF line ends, indentation. Returns the text with real newlines.
 */
function normalisePrivateKeyText(raw) {
    let text = raw.trim();
    if (/^(["']).*\1$/s.test(text))
        text = text.slice(1, -1).trim();
    return text
        .replace(/\\r\\n|\\n|\\r/g, '\n')
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((line) => line.trim())
        .join('\n');
}
function pemBlocks(text) {
    const blocks = [];
    const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)(?:-----END \1-----|(?=-----BEGIN )|$)/g;
    for (const match of text.matchAll(re)) {
        const label = match[1] ?? '';
        const inner = match[2] ?? '';
        if (!match[0].includes(`-----END ${label}-----`))
            return { blocks, unterminated: label };
        // RFC 1421 header lines (Proc-Type, DEK-Info: only encrypted keys have them) hold a colon,
        // which base64 never does.
        const lines = inner.split('\n');
        const headers = lines.filter((l) => l.includes(':')).join('\n');
        const body = lines.filter((l) => !l.includes(':')).join('').replace(/\s+/g, '');
        blocks.push({ label, headers, body });
    }
    return { blocks };
}
function wrap64(body) {
    return body.match(/.{1,64}/g)?.join('\n') ?? '';
}
/**
 * Parses the `private-key` input into a Node KeyObject: an RSA private key of at least 2048
 * bits, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`). Anything else is a
 * UserError saying what the input holds instead and what to do.
 */
function parsePrivateKey(raw) {
    const text = normalisePrivateKeyText(raw);
    if (text === '') {
        throw new errors/* UserError */.y('private-key is empty. Pass the app\'s private key from a secret, e.g. private-key: ${{ secrets.APP_PRIVATE_KEY }}; ' +
            'check that the secret exists and is available here (secrets are not passed to workflows run from forks).');
    }
    const { blocks, unterminated } = pemBlocks(text);
    if (unterminated !== undefined) {
        throw new errors/* UserError */.y(`private-key is truncated: it has a "-----BEGIN ${unterminated}-----" line but no "-----END ${unterminated}-----" line. ` +
            'Copy the whole .pem file, from its BEGIN line to its END line, into the secret.');
    }
    const first = blocks[0];
    if (!first) {
        const hint = /^[A-Za-z0-9+/=\s]+$/.test(text) && /^LS0tLS1CRUdJTi/.test(text.replace(/\s/g, ''))
            ? ' It looks base64-encoded: store the decoded .pem text instead.'
            : '';
        throw new errors/* UserError */.y('private-key is not a PEM key: it should start with "-----BEGIN RSA PRIVATE KEY-----" or ' +
            `"-----BEGIN PRIVATE KEY-----".${hint} ${WHERE}`);
    }
    if (blocks.length > 1) {
        throw new errors/* UserError */.y(`private-key holds ${blocks.length} PEM blocks; pass exactly one private key.`);
    }
    const wrong = WRONG_LABELS[first.label];
    if (wrong)
        throw new errors/* UserError */.y(`${wrong} ${WHERE}`);
    if (first.label !== 'RSA PRIVATE KEY' && first.label !== 'PRIVATE KEY') {
        throw new errors/* UserError */.y(`private-key is a "${first.label}" block, not an RSA private key. ${WHERE}`);
    }
    if (/ENCRYPTED/i.test(first.headers))
        throw new errors/* UserError */.y(`${WRONG_LABELS['ENCRYPTED PRIVATE KEY']} ${WHERE}`);
    if (first.body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(first.body)) {
        throw new errors/* UserError */.y(`private-key is damaged: the text between its BEGIN and END lines is ${first.body === '' ? 'empty' : 'not base64'}. ${WHERE}`);
    }
    let key;
    try {
        key = (0,external_node_crypto_.createPrivateKey)({
            key: `-----BEGIN ${first.label}-----\n${wrap64(first.body)}\n-----END ${first.label}-----\n`,
            format: 'pem',
        });
    }
    catch {
        // Node's message names only the decoder step; still, keep the key's bytes out of it.
        throw new errors/* UserError */.y('private-key is damaged or truncated: its BEGIN and END lines are there but the key between them cannot be read. ' +
            WHERE);
    }
    if (key.asymmetricKeyType !== 'rsa') {
        const kind = key.asymmetricKeyType === 'ec'
            ? `an EC key${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}`
            : `an ${String(key.asymmetricKeyType).toUpperCase()} key`;
        throw new errors/* UserError */.y(`private-key is ${kind}; GitHub Apps sign with RSA keys. ${WHERE}`);
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
        throw new errors/* UserError */.y(`private-key is a ${bits}-bit RSA key; GitHub requires at least ${MIN_RSA_BITS} bits. ${WHERE}`);
    }
    return key;
}

;// CONCATENATED MODULE: ./src/auth/inputs.ts
// The inputs that say which app, which installation and what the token may do. Every command
// that talks to GitHub reads these; each bad value gets one message saying what to change.





const defaultGetInput = (name) => core/* getInput */.V4(name);
const MAX_REPOSITORIES = 500; // GitHub's limit for one access token request
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/; // GHES allows _ and . in logins
const REPO_NAME = /^[A-Za-z0-9._-]+$/;
function parseBooleanInput(name, value, fallback) {
    const v = value.trim().toLowerCase();
    if (v === '')
        return fallback;
    if (v === 'true')
        return true;
    if (v === 'false')
        return false;
    throw new errors/* UserError */.y(`${name}: ${(0,errors/* quoteValue */.c)(value.trim())} is not a boolean; use true or false.`);
}
function readAppId(getInput) {
    const appIdText = getInput('app-id').trim();
    const clientId = getInput('client-id').trim();
    let appId;
    if (appIdText) {
        if (/^Iv/i.test(appIdText)) {
            throw new errors/* UserError */.y(`app-id ${(0,errors/* quoteValue */.c)(appIdText)} is a client ID: pass it as client-id instead.`);
        }
        if (!/^[1-9][0-9]*$/.test(appIdText)) {
            throw new errors/* UserError */.y(`app-id must be the app's numeric ID (shown as "App ID" on the app's settings page), not ${(0,errors/* quoteValue */.c)(appIdText)}.`);
        }
        appId = Number(appIdText);
    }
    if (clientId) {
        if (/^[0-9]+$/.test(clientId)) {
            throw new errors/* UserError */.y(`client-id ${(0,errors/* quoteValue */.c)(clientId)} is numeric, like an app ID: pass it as app-id instead.`);
        }
        if (!/^[A-Za-z0-9._-]+$/.test(clientId)) {
            throw new errors/* UserError */.y('client-id must be the app\'s client ID (like "Iv23li…", shown on the app\'s settings page).');
        }
    }
    if (appId === undefined && !clientId) {
        throw new errors/* UserError */.y('Give app-id or client-id: the GitHub App\'s ID or client ID, from the app\'s settings page ' +
            '(e.g. app-id: ${{ vars.APP_ID }}). Check that the variable or secret is set and available to this workflow.');
    }
    // Both given: the client id signs the JWT; the app id is checked against the installation's
    // app_id, which GitHub's installation reply carries anyway (see checkAppId).
    return { issuer: clientId || String(appId), appId, clientId: clientId || undefined };
}
/** Splits a comma/newline list of `name` or `owner/name`; every owner given must be the same. */
function parseRepositories(text, owner) {
    const items = text
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
    let listOwner = owner;
    const names = [];
    for (const item of items) {
        const parts = item.split('/');
        if (parts.length > 2 || parts.some((p) => p === '') || (parts.length === 2 && !LOGIN.test(parts[0] ?? ''))) {
            throw new errors/* UserError */.y(`repositories: ${(0,errors/* quoteValue */.c)(item)} is not a repository; give names ("repo") or "owner/repo", separated by commas or newlines.`);
        }
        const name = parts.length === 2 ? (parts[1] ?? '') : item;
        if (parts.length === 2) {
            const itemOwner = parts[0] ?? '';
            if (listOwner && listOwner.toLowerCase() !== itemOwner.toLowerCase()) {
                throw new errors/* UserError */.y(`repositories: ${(0,errors/* quoteValue */.c)(item)} belongs to ${itemOwner}, but ${owner ? `owner is ${owner}` : `${(0,errors/* quoteValue */.c)(listOwner ?? '')} was named before`}. ` +
                    'One token covers one installation, so one account: list repositories of a single owner (use another step for the others).');
            }
            listOwner = listOwner ?? itemOwner;
        }
        if (!REPO_NAME.test(name))
            throw new errors/* UserError */.y(`repositories: ${(0,errors/* quoteValue */.c)(item)} is not a valid repository name.`);
        if (!names.some((n) => n.toLowerCase() === name.toLowerCase()))
            names.push(name);
    }
    if (names.length > MAX_REPOSITORIES) {
        throw new errors/* UserError */.y(`repositories lists ${names.length} repositories; GitHub allows at most ${MAX_REPOSITORIES} per token.`);
    }
    return { owner: listOwner, names };
}
function readApiUrl(getInput, env) {
    const given = getInput('github-api-url').trim();
    const text = given || env.GITHUB_API_URL || 'https://api.github.com';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* UserError */.y(`github-api-url ${(0,errors/* quoteValue */.c)(text)} is not a URL; use e.g. https://api.github.com or https://HOST/api/v3.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new errors/* UserError */.y(`github-api-url ${(0,errors/* quoteValue */.c)(text)} must be an http(s) URL.`);
    }
    if (url.hostname === 'github.com' || url.hostname === 'www.github.com') {
        throw new errors/* UserError */.y(`github-api-url ${(0,errors/* quoteValue */.c)(text)} is the web site; the REST API is at https://api.github.com.`);
    }
    return text.replace(/\/+$/, '');
}
function readOwnerType(env, owner) {
    try {
        if (!env.GITHUB_EVENT_PATH)
            return undefined;
        const payload = JSON.parse(external_node_fs_default().readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
        const o = payload.repository?.owner;
        if (o?.login?.toLowerCase() !== owner.toLowerCase())
            return undefined;
        return o.type === 'Organization' || o.type === 'User' ? o.type : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Reads and checks the app inputs. Scoping follows actions/create-github-app-token: neither
 * owner nor repositories → the current repository only; repositories without owner → the
 * current owner's; owner alone → all of the installation's repositories. With installation-id,
 * the installation is known, so nothing is added: no repositories given → all of them.
 */
function readAppInputs(getInput = defaultGetInput, env = process.env) {
    const { issuer, appId, clientId } = readAppId(getInput);
    const privateKey = parsePrivateKey(getInput('private-key'));
    const installationText = getInput('installation-id').trim();
    let installationId;
    if (installationText) {
        if (!/^[1-9][0-9]*$/.test(installationText)) {
            throw new errors/* UserError */.y(`installation-id must be a number (the end of the installation's settings URL), not ${(0,errors/* quoteValue */.c)(installationText)}.`);
        }
        installationId = Number(installationText);
    }
    const ownerInput = getInput('owner').trim() || undefined;
    if (ownerInput !== undefined && !LOGIN.test(ownerInput)) {
        const [o, r] = ownerInput.split('/');
        throw new errors/* UserError */.y(ownerInput.split('/').length === 2 && o && r && LOGIN.test(o) && REPO_NAME.test(r)
            ? `owner is an account, not a repository: use owner: ${o} and repositories: ${r}.`
            : `owner ${(0,errors/* quoteValue */.c)(ownerInput)} is not a GitHub user or organization name.`);
    }
    const repos = parseRepositories(getInput('repositories'), ownerInput);
    const [currentOwner, currentRepo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    let owner = repos.owner;
    let repositories = repos.names;
    if (installationId === undefined) {
        if (!owner && repositories.length === 0) {
            if (!currentOwner || !currentRepo) {
                throw new errors/* UserError */.y('Say which installation: set owner (or installation-id); GITHUB_REPOSITORY is not set here.');
            }
            owner = currentOwner;
            repositories = [currentRepo];
        }
        else if (!owner) {
            owner = env.GITHUB_REPOSITORY_OWNER || currentOwner;
            if (!owner)
                throw new errors/* UserError */.y('Set owner: the account that owns the repositories; GITHUB_REPOSITORY_OWNER is not set here.');
        }
    }
    return {
        issuer,
        appId,
        clientId,
        privateKey,
        installationId,
        owner,
        repositories,
        permissions: (0,permissions/* readPermissionInputs */.ZN)(getInput, env),
        apiUrl: readApiUrl(getInput, env),
        ownerType: owner ? readOwnerType(env, owner) : undefined,
    };
}


/***/ }),

/***/ 31546:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  A6: () => (/* binding */ formatPermissions),
  HR: () => (/* binding */ missingPermissions),
  P5: () => (/* binding */ permissionInputName),
  ZN: () => (/* binding */ readPermissionInputs)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/auth/permissions.generated.ts
// Generated by scripts/gen-permissions.mjs from @octokit/openapi (components.schemas.app-permissions).
// Do not edit: run `npm run gen:permissions`.
const APP_PERMISSIONS = {
    actions: ['read', 'write'],
    administration: ['read', 'write'],
    artifact_metadata: ['read', 'write'],
    attestations: ['read', 'write'],
    checks: ['read', 'write'],
    code_quality: ['read', 'write'],
    codespaces: ['read', 'write'],
    contents: ['read', 'write'],
    custom_properties_for_organizations: ['read', 'write'],
    dependabot_secrets: ['read', 'write'],
    deployments: ['read', 'write'],
    discussions: ['read', 'write'],
    email_addresses: ['read', 'write'],
    enterprise_custom_properties_for_organizations: ['read', 'write', 'admin'],
    environments: ['read', 'write'],
    followers: ['read', 'write'],
    git_ssh_keys: ['read', 'write'],
    gpg_keys: ['read', 'write'],
    interaction_limits: ['read', 'write'],
    issues: ['read', 'write'],
    members: ['read', 'write'],
    merge_queues: ['read', 'write'],
    metadata: ['read', 'write'],
    organization_administration: ['read', 'write'],
    organization_announcement_banners: ['read', 'write'],
    organization_copilot_agent_settings: ['read', 'write'],
    organization_copilot_seat_management: ['read', 'write'],
    organization_custom_org_roles: ['read', 'write'],
    organization_custom_properties: ['read', 'write', 'admin'],
    organization_custom_roles: ['read', 'write'],
    organization_events: ['read'],
    organization_hooks: ['read', 'write'],
    organization_packages: ['read', 'write'],
    organization_personal_access_token_requests: ['read', 'write'],
    organization_personal_access_tokens: ['read', 'write'],
    organization_plan: ['read'],
    organization_projects: ['read', 'write', 'admin'],
    organization_secrets: ['read', 'write'],
    organization_self_hosted_runners: ['read', 'write'],
    organization_user_blocking: ['read', 'write'],
    packages: ['read', 'write'],
    pages: ['read', 'write'],
    profile: ['write'],
    pull_requests: ['read', 'write'],
    repository_custom_properties: ['read', 'write'],
    repository_hooks: ['read', 'write'],
    repository_projects: ['read', 'write', 'admin'],
    secret_scanning_alerts: ['read', 'write'],
    secrets: ['read', 'write'],
    security_events: ['read', 'write'],
    single_file: ['read', 'write'],
    starring: ['read', 'write'],
    statuses: ['read', 'write'],
    variables: ['read', 'write'],
    vulnerability_alerts: ['read', 'write'],
    workflows: ['write'],
};

;// CONCATENATED MODULE: ./src/auth/permissions.ts
// The permission-<name> inputs: read, validate, and explain a permission the app lacks.


const LEVEL_RANK = { none: 0, read: 1, write: 2, admin: 3 };
function permissionInputName(name) {
    return `permission-${name.replace(/_/g, '-')}`;
}
function isPermission(name) {
    return Object.hasOwn(APP_PERMISSIONS, name);
}
/**
 * Reads every `permission-<name>` input. Returns undefined when none is set (the token then
 * gets all the installation's permissions). Names are matched with `-` or `_`; an unknown
 * `permission-…` input (the runner passes undeclared inputs on) or a level GitHub does not
 * offer for that permission is a UserError.
 */
function readPermissionInputs(getInput, env = process.env) {
    const permissions = {};
    for (const name of Object.keys(APP_PERMISSIONS)) {
        const input = permissionInputName(name);
        const value = (getInput(input) || getInput(`permission-${name}`)).trim().toLowerCase();
        if (!value)
            continue;
        const allowed = APP_PERMISSIONS[name];
        if (!allowed.includes(value)) {
            throw new errors/* UserError */.y(`${input}: ${(0,errors/* quoteValue */.c)(value)} is not a level GitHub offers for ${name}; use ${allowed.map((l) => `"${l}"`).join(' or ')} ` +
                '(or leave the input out).');
        }
        permissions[name] = value;
    }
    for (const key of Object.keys(env)) {
        const m = /^INPUT_PERMISSION[-_](.+)$/i.exec(key);
        if (!m || !env[key]?.trim())
            continue;
        const name = (m[1] ?? '').toLowerCase().replace(/-/g, '_');
        if (!isPermission(name)) {
            throw new errors/* UserError */.y(`Unknown input ${shownInput(m[1] ?? '')}: GitHub has no app permission ${(0,errors/* quoteValue */.c)(name)}. ` +
                'The permission-<name> inputs are listed in action.yml (e.g. permission-contents, permission-pull-requests).');
        }
    }
    return Object.keys(permissions).length > 0 ? permissions : undefined;
}
/** An input's name as the user wrote it, or quoted when it is not a plain name. */
function shownInput(suffix) {
    const input = `permission-${suffix.toLowerCase()}`;
    return /^[a-z0-9_-]{1,80}$/.test(input) ? input : (0,errors/* quoteValue */.c)(input);
}
/** Requested permissions the installation does not grant at the requested level. */
function missingPermissions(requested, granted) {
    return Object.entries(requested)
        .filter(([name, level]) => (LEVEL_RANK[granted[name] ?? 'none'] ?? 0) < (LEVEL_RANK[level ?? 'none'] ?? 0))
        .map(([name, level]) => ({ name, requested: level ?? '', granted: granted[name] ?? 'none' }));
}
function formatPermissions(p) {
    return Object.entries(p)
        .map(([name, level]) => `${name}: ${level}`)
        .join(', ');
}


/***/ }),

/***/ 96584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LX: () => (/* binding */ createGitHubClient),
/* harmony export */   hg: () => (/* binding */ githubMessage)
/* harmony export */ });
/* unused harmony exports MAX_RATE_LIMIT_WAIT_SECONDS, MAX_RATE_LIMIT_RETRIES, retryBaseMs, requestTimeoutMs, graphqlUrl */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(85555);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(86856);
// The one GitHub client every command uses: @actions/github's Octokit (REST methods, paginate,
// the runner's proxy settings) plus bounded retries and rate-limit handling.




/** Rate-limit waits longer than this are not waited for: the step gives up with a message instead. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;
/** Rate-limit retries per request. */
const MAX_RATE_LIMIT_RETRIES = 2;
/**
 * Milliseconds per unit of retry wait: backoff after the n-th failure is n² units, and a
 * rate limit's `retry-after` is counted in these units. 1000 in production; tests set
 * GITHUB_APP_CI_RETRY_BASE_MS (e.g. 10) so that retries do not make them slow.
 */
function retryBaseMs(env = process.env) {
    const value = Number(env.GITHUB_APP_CI_RETRY_BASE_MS);
    return Number.isFinite(value) && value >= 0 && env.GITHUB_APP_CI_RETRY_BASE_MS !== '' && env.GITHUB_APP_CI_RETRY_BASE_MS !== undefined
        ? value
        : 1000;
}
/**
 * How long one attempt may take: 60 s in production; tests set GITHUB_APP_CI_REQUEST_TIMEOUT_MS
 * (e.g. 2000) so that a hung request is given up on quickly.
 */
function requestTimeoutMs(env = process.env) {
    const text = env.GITHUB_APP_CI_REQUEST_TIMEOUT_MS;
    const value = Number(text);
    return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : 60_000;
}
/** GraphQL endpoint for a REST root: api.github.com/graphql, or HOST/api/graphql on GHES. */
function graphqlUrl(apiUrl) {
    const root = apiUrl.replace(/\/+$/, '');
    return /\/api\/v3$/.test(root) ? root.replace(/\/api\/v3$/, '/api/graphql') : `${root}/graphql`;
}
/** An app JWT goes as `Bearer`; other tokens as `token`, whatever their shape or length. */
function authorization(token) {
    return /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(token) ? `bearer ${token}` : `token ${token}`;
}
/** An Octokit auth strategy that asks the token source on every request. */
function tokenSourceAuth({ source }) {
    const hook = async (request, route, parameters) => {
        const endpoint = request.endpoint.merge(route, parameters);
        endpoint.headers.authorization = authorization(await source());
        return request(endpoint);
    };
    return Object.assign(async () => ({ type: 'token', token: await source() }), { hook });
}
/**
 * Gives each attempt (not each request: retries wrap this) its own deadline; a timed-out
 * attempt becomes a status-500 RequestError, which the retry plugin retries.
 */
function attemptTimeout(octokit, options) {
    const ms = options.requestTimeoutMs ?? requestTimeoutMs();
    const callerSignals = new WeakMap();
    // Every hook of one request gets the same options object, across retries too, so the signal
    // goes on it; but o.request may be the client's shared defaults: replace it, never mutate it.
    octokit.hook.wrap('request', (request, o) => {
        if (!callerSignals.has(o))
            callerSignals.set(o, o.request?.signal);
        const given = callerSignals.get(o);
        const deadline = AbortSignal.timeout(ms);
        o.request = { ...o.request, signal: given ? AbortSignal.any([given, deadline]) : deadline };
        return request(o);
    });
    return {};
}
/**
 * A 429 that the throttling plugin does not take for a rate limit (no "secondary rate" message,
 * no x-ratelimit-remaining: 0) but that carries retry-after: waited for on the same terms.
 */
function plainTooManyRequests(octokit) {
    octokit.hook.wrap('request', async (request, o) => {
        for (let retries = 0;; retries++) {
            try {
                return await request(o);
            }
            catch (error) {
                const e = error;
                const headers = e.response?.headers ?? {};
                const retryAfter = Number(headers['retry-after']);
                const throttled = /\bsecondary rate\b/i.test(e.message ?? '') || headers['x-ratelimit-remaining'] === '0';
                if (e.status !== 429 || throttled || !Number.isFinite(retryAfter))
                    throw error;
                if (!onLimit('request')(retryAfter, o, octokit, retries))
                    throw error;
                await new Promise((resolve) => setTimeout(resolve, retryAfter * retryBaseMs()));
            }
        }
    });
    return {};
}
// Order matters: a plugin's hook wraps those registered before it, so the timeout is per attempt.
const Client = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .GitHub */ .gq.plugin(attemptTimeout, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__/* .throttling */ .A, plainTooManyRequests);
function describe(options) {
    return `${options.method ?? 'GET'} ${options.url ?? ''}`;
}
function onLimit(kind) {
    return (retryAfter, options, _octokit, retryCount) => {
        const what = kind === 'request' ? 'GitHub\'s request limit (429)' : `GitHub's ${kind} rate limit`;
        if (retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS && retryCount < MAX_RATE_LIMIT_RETRIES) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${what} hit on ${describe(options)}: retrying in ${retryAfter} s.`);
            return true;
        }
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${what} hit on ${describe(options)}: ` +
            (retryCount >= MAX_RATE_LIMIT_RETRIES
                ? `still limited after ${retryCount} retries; giving up.`
                : `GitHub asks to wait ${retryAfter} s, more than the ${MAX_RATE_LIMIT_WAIT_SECONDS} s this action waits; giving up.`) +
            ' Spread the work over more time, or run fewer jobs at once.');
        return false;
    };
}
function createGitHubClient(options) {
    const base = retryBaseMs();
    const source = typeof options.token === 'string' ? ((token) => async () => token)(options.token) : options.token;
    return new Client({
        baseUrl: options.apiUrl.replace(/\/+$/, ''),
        userAgent: (0,_actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .getUserAgentWithOrchestrationId */ .fA)('github-app-ci'),
        authStrategy: tokenSourceAuth,
        auth: { source },
        requestTimeoutMs: options.requestTimeoutMs,
        retry: {
            retries: options.retries ?? 3,
            retryAfterBaseValue: base,
            // 429 is the throttling plugin's to handle, with GitHub's retry-after.
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
        throttle: {
            retryAfterBaseValue: base,
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary'),
        },
    });
}
/** GitHub's own message from a failed request (its reply's `message`), without Octokit's additions. */
function githubMessage(error) {
    const e = error;
    const data = e.response?.data;
    if (data && typeof data.message === 'string')
        return data.message;
    return e.message ?? String(error);
}


/***/ })

};
