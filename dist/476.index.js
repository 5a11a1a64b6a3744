export const id = 476;
export const ids = [476];
export const modules = {

/***/ 28570:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vj: () => (/* binding */ verdictOf),
/* harmony export */   ic: () => (/* binding */ suiteConclusion),
/* harmony export */   lF: () => (/* binding */ conclusionOutput),
/* harmony export */   qE: () => (/* binding */ conclusionStep)
/* harmony export */ });
/* unused harmony exports SUMMARY_LIMIT_BYTES, conclusionTitle, cutToBytes */
/* harmony import */ var _titles_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(21178);

/** GitHub's limit on a check run's summary, in bytes of UTF-8. */
const SUMMARY_LIMIT_BYTES = 65535;
/**
 * What a built build's conclusion means for the suite. Like GitHub's required checks:
 * success and skipped pass; neutral is `warningAs`; everything else (failure, cancelled,
 * timed_out, action_required, stale, a missing or newer unknown value) fails.
 */
function verdictOf(conclusion, warningAs) {
    if (conclusion === 'success' || conclusion === 'skipped')
        return 'pass';
    if (conclusion === 'neutral')
        return warningAs === 'success' ? 'pass' : 'fail';
    return 'fail';
}
/**
 * The conclusion from the merged data. The merge already keeps each build's newest record
 * (highest generation), so a re-run build counts by its re-run, not by its older failure.
 */
function suiteConclusion(data, opts) {
    const byState = { queued: 0, building: 0, built: 0 };
    const byConclusion = {
        success: 0, failure: 0, neutral: 0, cancelled: 0, skipped: 0,
        timed_out: 0, action_required: 0, stale: 0, unknown: 0,
    };
    const failed = [];
    const unfinished = [];
    let generation = 0;
    const ids = Object.keys(data.check_runs).sort();
    for (const id of ids) {
        const record = data.check_runs[id];
        generation = Math.max(generation, record.generation);
        byState[record.state] = (byState[record.state] ?? 0) + 1;
        if (record.state !== 'built') {
            unfinished.push(id);
            continue;
        }
        const key = record.conclusion && Object.hasOwn(byConclusion, record.conclusion) ? record.conclusion : 'unknown';
        byConclusion[key]++;
        if (verdictOf(record.conclusion, opts.warningAs) === 'fail')
            failed.push(id);
    }
    const total = ids.length;
    const complete = opts.final === true || (total > 0 && unfinished.length === 0);
    const result = { complete, generation, total, byState, byConclusion, failed, unfinished };
    if (complete) {
        // An empty final suite fails: with no builds recorded (a lost state, a queued step that
        // never ran) a required check must not pass.
        const bad = failed.length > 0 || unfinished.length > 0 || total === 0;
        result.conclusion = bad ? 'failure' : 'success';
    }
    return result;
}
/**
 * What to do with the CONCLUSION check run, given its record and the suite's conclusion.
 * A completed run cannot go back to in_progress on GitHub, so a newer generation (a re-run
 * build) after completion gets a new run of the same name; an open one just moves on. A run
 * completed in this generation stays as it is.
 */
function conclusionStep(recorded, result) {
    const generation = Math.max(1, result.generation, recorded?.generation ?? 1);
    const target = result.complete
        ? { state: 'built', generation, conclusion: result.conclusion }
        : { state: 'building', generation };
    if (!recorded)
        return { op: 'create', ...target };
    if (recorded.state === 'built') {
        if (recorded.generation < generation)
            return { op: 'create', ...target };
        if (!recorded.state_synced)
            return { op: recorded.check_run_id === undefined ? 'create' : 'update', ...target, ...sameEnd(recorded) };
        return { op: 'none', generation };
    }
    // An open run whose creation never answered: create (apply adopts it by external_id if it exists).
    if (recorded.check_run_id === undefined)
        return { op: 'create', ...target };
    if (result.complete || !recorded.state_synced || recorded.generation < generation)
        return { op: 'update', ...target };
    return { op: 'refresh', generation };
}
/** Re-sending a completed run repeats its recorded answer rather than a recomputed one. */
function sameEnd(recorded) {
    return recorded.conclusion ? { state: 'built', conclusion: recorded.conclusion } : { state: 'built' };
}
/** Title and summary of the CONCLUSION check run; the summary stays within GitHub's byte limit. */
function conclusionOutput(data, opts) {
    const result = suiteConclusion(data, opts);
    const aggregate = opts.aggregate ?? data.aggregate !== undefined;
    const links = linker(data.repository, opts.serverUrl ?? 'https://github.com', aggregate);
    const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES;
    const head = [headline(result, opts.warningAs)];
    if (aggregate) {
        const why = data.aggregate ? ` (${(0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(data.aggregate.reason)})` : '';
        head.push('', `Aggregate mode${why}: only this check run reports the suite; each job's step summary shows its own build.`, '', ...countsTable(result));
    }
    const summary = new Summary(limit, head.join('\n'));
    if (aggregate) {
        const list = (ids) => orderedIds(data.check_runs, ids).map((id) => `- ${nameLink(id, data.check_runs[id], links)} · ${(0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .titleFor */ .Q$)(data.check_runs[id])}`);
        if (result.failed.length > 0)
            summary.section(['', '### Failed builds', ''], list(result.failed));
        if (opts.final && result.unfinished.length > 0) {
            summary.section(['', '### Builds that never finished', ''], list(result.unfinished));
        }
    }
    else {
        const ids = orderedIds(data.check_runs, Object.keys(data.check_runs), opts.warningAs);
        summary.section(['', '| Build | State | Conclusion | Link |', '| --- | --- | --- | --- |'], ids.map((id) => buildRow(id, data.check_runs[id], links)));
    }
    return { title: conclusionTitle(result), summary: summary.text() };
}
/** "🟢 SUCCESS · 10 builds", "🔴 FAILURE · 10 builds: 2 failed", "🟡 BUILDING · 7 of 10 built", … */
function conclusionTitle(result) {
    const { total } = result;
    const builds = `${total} build${total === 1 ? '' : 's'}`;
    if (result.complete) {
        if (result.conclusion === 'success') {
            const neutral = result.byConclusion.neutral;
            return `🟢 SUCCESS · ${builds}${neutral > 0 ? `, ${neutral} neutral` : ''}`;
        }
        if (total === 0)
            return '🔴 FAILURE · no builds were reported';
        const parts = [];
        if (result.failed.length > 0)
            parts.push(`${result.failed.length} failed`);
        if (result.unfinished.length > 0)
            parts.push(`${result.unfinished.length} never finished`);
        return `🔴 FAILURE · ${builds}: ${parts.join(', ')}`;
    }
    if (total === 0)
        return '⚪ QUEUED · waiting for the builds';
    const failed = result.failed.length > 0 ? `, ${result.failed.length} failed` : '';
    if (result.byState.queued === total)
        return `⚪ QUEUED · waiting for ${builds}`;
    return `🟡 BUILDING · ${result.byState.built} of ${builds} built${failed}`;
}
function headline(result, warningAs) {
    const generation = result.generation > 1 ? ` (attempt ${result.generation})` : '';
    const neutral = result.byConclusion.neutral > 0 ? ` Neutral counts as ${warningAs}.` : '';
    if (!result.complete) {
        return `Waiting for the builds${generation}: ${result.byState.built} of ${result.total} built, ${result.failed.length} failed.${neutral}`;
    }
    const never = result.unfinished.length > 0 ? `, ${result.unfinished.length} never finished` : '';
    return `**${result.conclusion}**${generation}: ${result.total} builds, ${result.failed.length} failed${never}.${neutral}`;
}
function countsTable(result) {
    const rows = ['| State | Builds |', '| --- | ---: |'];
    for (const state of ['queued', 'building', 'built'])
        rows.push(`| ${state} | ${result.byState[state]} |`);
    rows.push('', '| Conclusion | Builds |', '| --- | ---: |');
    for (const [conclusion, count] of Object.entries(result.byConclusion)) {
        if (count === 0)
            continue;
        const label = conclusion === 'unknown' ? '🔴 NO CONCLUSION' : (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .titleFor */ .Q$)({ state: 'built', conclusion: conclusion });
        rows.push(`| ${label} | ${count} |`);
    }
    return rows;
}
/** The builds a person looks for first come first: failed, running, waiting, neutral, passed. */
function orderedIds(runs, ids, warningAs = 'success') {
    const rank = (r) => {
        if (r.state === 'queued')
            return 2;
        if (r.state === 'building')
            return 1;
        if (verdictOf(r.conclusion, warningAs) === 'fail')
            return 0;
        return r.conclusion === 'neutral' ? 3 : 4;
    };
    const collator = new Intl.Collator('en', { numeric: true });
    const keyed = ids.map((id) => ({ id, rank: rank(runs[id]), name: displayName(id, runs[id]) }));
    keyed.sort((a, b) => a.rank - b.rank || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return keyed.map((k) => k.id);
}
/** A build's check run when it has one (not in aggregate mode), else the job that reported it. */
function linker(repository, serverUrl, aggregate) {
    const base = serverUrl.replace(/\/+$/, '');
    return (record) => {
        if (!aggregate && record.check_run_id !== undefined) {
            const url = (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .safeUrl */ .Pl)(`${base}/${repository}/runs/${record.check_run_id}`);
            if (url)
                return { url, label: 'check run' };
        }
        const job = (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .safeUrl */ .Pl)(record.reporter?.job_url ?? record.details_url);
        return job ? { url: job, label: 'job' } : undefined;
    };
}
function buildRow(id, record, links) {
    const title = (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .titleFor */ .Q$)(record);
    const state = record.state === 'built' ? 'built' : title.toLowerCase();
    const conclusion = record.state === 'built' ? title : '—';
    const link = links(record);
    return `| ${cell(displayName(id, record))} | ${state} | ${conclusion} | ${link ? `[${link.label}](${link.url})` : '—'} |`;
}
function nameLink(id, record, links) {
    const link = links(record);
    const name = cell(displayName(id, record));
    return link ? `[${name}](${link.url})` : name;
}
function displayName(id, record) {
    return record.name || id;
}
const MAX_CELL_GRAPHEMES = 120;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** A name as one escaped table cell, cut at a grapheme boundary so no row can be huge. */
function cell(text) {
    if (text.length <= MAX_CELL_GRAPHEMES)
        return (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(text);
    const parts = [];
    for (const { segment } of graphemes.segment(text)) {
        if (parts.length === MAX_CELL_GRAPHEMES)
            return `${(0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(parts.join(''))}…`;
        parts.push(segment);
    }
    return (0,_titles_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeMarkdown */ .FV)(parts.join(''));
}
const bytes = (text) => Buffer.byteLength(text, 'utf8');
/** Markdown built line by line within a byte budget; a cut section ends "… and N more". */
class Summary {
    #limit;
    #lines;
    #used;
    constructor(limit, head) {
        this.#limit = limit;
        this.#lines = [head];
        this.#used = bytes(head);
    }
    /** Adds the header lines, then as many rows as fit with room left for the "more" line. */
    section(header, rows) {
        const cost = (line) => 1 + bytes(line); // the newline before it
        const headerBytes = header.reduce((sum, line) => sum + cost(line), 0);
        const moreLine = (n) => `\n… and ${n} more`;
        if (this.#used + headerBytes + cost(moreLine(rows.length)) > this.#limit)
            return;
        this.#lines.push(...header);
        this.#used += headerBytes;
        for (let i = 0; i < rows.length; i++) {
            const row = rows[i];
            const rest = rows.length - i - 1;
            const reserve = rest > 0 ? cost(moreLine(rest)) : 0;
            if (this.#used + cost(row) + reserve > this.#limit) {
                this.#lines.push(moreLine(rows.length - i));
                this.#used += cost(moreLine(rows.length - i));
                return;
            }
            this.#lines.push(row);
            this.#used += cost(row);
        }
    }
    /** The head alone may pass a tiny test limit: cut it at a character boundary as a last resort. */
    text() {
        return cutToBytes(this.#lines.join('\n'), this.#limit);
    }
}
/** The longest prefix of `text` within `limit` bytes of UTF-8, never splitting a character. */
function cutToBytes(text, limit) {
    if (bytes(text) <= limit)
        return text;
    const full = '\n\n… (cut to fit GitHub\'s limit)';
    const notice = bytes(full) <= limit ? full : '';
    const room = limit - bytes(notice);
    let used = 0;
    let end = 0;
    for (const ch of text) {
        const size = bytes(ch);
        if (used + size > room)
            break;
        used += size;
        end += ch.length;
    }
    return text.slice(0, end) + notice;
}


/***/ }),

/***/ 41704:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ck: () => (/* binding */ truncateUtf8),
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   KX: () => (/* binding */ parseAnnotations),
/* harmony export */   OR: () => (/* binding */ defaultHeadSha),
/* harmony export */   XO: () => (/* binding */ OUTPUT_TEXT_MAX_BYTES),
/* harmony export */   dM: () => (/* binding */ parseBuilds),
/* harmony export */   gP: () => (/* binding */ parseHeadSha),
/* harmony export */   gU: () => (/* binding */ renderName),
/* harmony export */   no: () => (/* binding */ DEFAULT_NAME_TEMPLATE),
/* harmony export */   pZ: () => (/* binding */ parseConclusion),
/* harmony export */   yG: () => (/* binding */ parseBoolean)
/* harmony export */ });
/* unused harmony exports BUILD_ID_MAX_CHARS, CHECK_RUN_NAME_MAX_CHARS, ANNOTATION_TEXT_MAX_BYTES, ANNOTATION_TITLE_MAX_CHARS, INPUT_CONCLUSIONS, utf8Bytes */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
/* harmony import */ var _service_data_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(72461);
/**
 * Pure parsers for the check-run inputs (builds, conclusion, head sha, annotations, durations,
 * booleans) and GitHub's byte limits. Each takes strings and returns a value or throws a
 * UserError whose one-line message names the input and says what to fix. No I/O: reading
 * inputs, files and the event payload is the caller's job.
 */


/** A build id's length limit, in characters (the part of the name after "<suite> / "). */
const BUILD_ID_MAX_CHARS = 100;
/**
 * The longest check-run name we create, in characters. GitHub documents no limit for names;
 * 255 keeps well inside what its UI and API handle (annotation titles are capped at 255 too).
 */
const CHECK_RUN_NAME_MAX_CHARS = 255;
/** GitHub counts output summary and text in UTF-8 bytes. */
const OUTPUT_TEXT_MAX_BYTES = 65535;
/** Annotation message and raw_details: "64 KB" in GitHub's docs; we stay at 65535 bytes. */
const ANNOTATION_TEXT_MAX_BYTES = 65535;
const ANNOTATION_TITLE_MAX_CHARS = 255;
const DEFAULT_NAME_TEMPLATE = '{suite} / {build}';
/** One line, at most 60 characters, for echoing a user's value in a message. */
function show(value) {
    let text;
    try {
        text = JSON.stringify(value) ?? String(value);
    }
    catch {
        text = typeof value;
    }
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
function chars(text) {
    let n = 0;
    for (const _ of text)
        n++;
    return n;
}
/** The check run's name for a build: `{suite}` and `{build}` in the template are replaced. */
function renderName(template, suite, build) {
    return template.replace(/\{(suite|build)\}/g, (_, key) => (key === 'suite' ? suite : build));
}
/**
 * The build ids: one id, a comma- or newline-separated list (ids trimmed, empty entries
 * ignored), or a JSON array of strings. Each id must be non-empty, without control
 * characters, unique, at most 100 characters, and make a check-run name (`nameTemplate`
 * with the suite) of at most 255 characters.
 */
function parseBuilds(text, suite, nameTemplate = DEFAULT_NAME_TEMPLATE) {
    const source = String(text).trim();
    if (source === '') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y('builds is empty: give one build id, a comma- or newline-separated list, or a JSON array of strings.');
    }
    let ids;
    if (source.startsWith('[')) {
        let value;
        try {
            value = JSON.parse(source);
        }
        catch {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y('builds starts with "[" but is not a valid JSON array: give a JSON array of strings, e.g. ["linux", "windows"].');
        }
        if (!Array.isArray(value) || value.length === 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y('builds must be a non-empty JSON array of strings, e.g. ["linux", "windows"].');
        }
        ids = value.map((item, i) => {
            if (typeof item !== 'string') {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`builds[${i}] must be a string, got ${show(item)}.`);
            }
            return item.trim();
        });
    }
    else {
        ids = source
            .split(/[,\r\n]/)
            .map((id) => id.trim())
            .filter((id) => id !== '');
    }
    if (ids.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y('builds lists no build id: give at least one.');
    const seen = new Set();
    for (const id of ids) {
        const problem = (0,_service_data_js__WEBPACK_IMPORTED_MODULE_1__/* .buildIdProblem */ .J6)(id);
        if (problem)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`build id ${show(id)} ${problem}: use a plain one-line name.`);
        if (seen.has(id))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`build id ${show(id)} is listed twice in builds: list each build once.`);
        seen.add(id);
        const length = chars(id);
        if (length > BUILD_ID_MAX_CHARS) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`build id ${show(id)} has ${length} characters; use at most ${BUILD_ID_MAX_CHARS}.`);
        }
        const name = renderName(nameTemplate, suite, id);
        const nameLength = chars(name);
        if (nameLength > CHECK_RUN_NAME_MAX_CHARS) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`check run name ${show(name)} has ${nameLength} characters; shorten the suite, name-template or build id to make it at most ${CHECK_RUN_NAME_MAX_CHARS}.`);
        }
    }
    return ids;
}
/** Conclusions a step may give (GitHub's, except `stale`, which only GitHub sets). */
const INPUT_CONCLUSIONS = [
    'success',
    'failure',
    'neutral',
    'cancelled',
    'skipped',
    'timed_out',
    'action_required',
];
function parseConclusion(text, required = false) {
    const value = String(text).trim().toLowerCase();
    const valid = `${INPUT_CONCLUSIONS.join(', ')} (or \${{ job.status }})`;
    if (value === '') {
        if (required)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`conclusion is required for built: give one of ${valid}.`);
        return undefined;
    }
    if (INPUT_CONCLUSIONS.includes(value))
        return value;
    if (value === 'stale')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`conclusion "stale" can only be set by GitHub: use one of ${valid}.`);
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`conclusion ${show(String(text).trim())} is not valid: use one of ${valid}.`);
}
/** A full commit sha: 40 hex characters (returned in lower case). */
function parseHeadSha(text, input = 'head-sha') {
    const value = String(text).trim();
    if (!/^[0-9a-fA-F]{40}$/.test(value)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} ${show(value)} is not a commit sha: give the full 40-character hex sha.`);
    }
    return value.toLowerCase();
}
const PULL_REQUEST_EVENTS = new Set([
    'pull_request',
    'pull_request_target',
    'pull_request_review',
    'pull_request_review_comment',
]);
/**
 * The commit check runs belong to by default: the pull request's head on pull_request*
 * events (GITHUB_SHA is the merge commit there), else GITHUB_SHA.
 */
function defaultHeadSha(eventName, payload, githubSha) {
    if (PULL_REQUEST_EVENTS.has(eventName)) {
        const pr = payload?.pull_request;
        const sha = pr?.head?.sha;
        if (typeof sha === 'string' && sha !== '')
            return parseHeadSha(sha, 'the pull request head sha');
    }
    if (!githubSha) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y('head-sha is not given and GITHUB_SHA is not set: give head-sha.');
    }
    return parseHeadSha(githubSha, 'GITHUB_SHA');
}
/** UTF-8 byte length without encoding (a lone surrogate is 3 bytes, as in U+FFFD). */
function utf8Bytes(text) {
    let bytes = 0;
    for (const ch of text)
        bytes += codePointBytes(ch.codePointAt(0));
    return bytes;
}
function codePointBytes(cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}
/**
 * `text` if it fits in `maxBytes` of UTF-8, else its longest prefix that fits together with
 * `notice` (appended), cut between characters. A notice longer than the limit is cut too.
 */
function truncateUtf8(text, maxBytes, notice = '') {
    if (utf8Bytes(text) <= maxBytes)
        return text;
    const noticeBytes = utf8Bytes(notice);
    if (noticeBytes > maxBytes)
        return truncateUtf8(notice, maxBytes, '');
    const budget = maxBytes - noticeBytes;
    let used = 0;
    let end = 0;
    for (const ch of text) {
        const size = codePointBytes(ch.codePointAt(0));
        if (used + size > budget)
            break;
        used += size;
        end += ch.length;
    }
    return text.slice(0, end) + notice;
}
const ANNOTATION_KEYS = new Set([
    'path',
    'start_line',
    'end_line',
    'start_column',
    'end_column',
    'annotation_level',
    'message',
    'title',
    'raw_details',
]);
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'];
/**
 * GitHub check-run annotation objects from JSON text (an array, or one object), validated as
 * GitHub would: path, start_line, end_line, annotation_level and message required; columns
 * only on a single line; title at most 255 characters, message and raw_details 65535 bytes.
 */
function parseAnnotations(jsonText, input = 'annotations-file') {
    let value;
    try {
        value = JSON.parse(String(jsonText));
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} is not valid JSON: give a JSON array of GitHub annotation objects.`);
    }
    const list = Array.isArray(value) ? value : [value];
    return list.map((item, i) => parseAnnotation(item, `${input}[${i}]`));
}
function parseAnnotation(item, at) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at} must be an annotation object, got ${show(item)}.`);
    }
    const a = item;
    for (const key of Object.keys(a)) {
        if (!ANNOTATION_KEYS.has(key)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at} has unknown field ${show(key)}: use ${[...ANNOTATION_KEYS].join(', ')}.`);
        }
    }
    const text = (key, required) => {
        const v = a[key];
        if (v === undefined && !required)
            return undefined;
        if (typeof v !== 'string' || v === '')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.${key} must be a non-empty string.`);
        return v;
    };
    const line = (key, required) => {
        const v = a[key];
        if (v === undefined && !required)
            return undefined;
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.${key} must be a positive integer, got ${show(v)}.`);
        }
        return v;
    };
    const path = text('path', true);
    const start_line = line('start_line', true);
    const end_line = line('end_line', true);
    if (end_line < start_line) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.end_line (${end_line}) is before start_line (${start_line}).`);
    }
    const level = a.annotation_level;
    if (typeof level !== 'string' || !ANNOTATION_LEVELS.includes(level)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.annotation_level must be one of ${ANNOTATION_LEVELS.join(', ')}, got ${show(level)}.`);
    }
    const message = text('message', true);
    const annotation = {
        path,
        start_line,
        end_line,
        annotation_level: level,
        message,
    };
    const start_column = line('start_column', false);
    const end_column = line('end_column', false);
    if ((start_column !== undefined || end_column !== undefined) && start_line !== end_line) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}: start_column and end_column are allowed only when start_line equals end_line.`);
    }
    if (start_column !== undefined && end_column !== undefined && end_column < start_column) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.end_column (${end_column}) is before start_column (${start_column}).`);
    }
    if (start_column !== undefined)
        annotation.start_column = start_column;
    if (end_column !== undefined)
        annotation.end_column = end_column;
    const title = text('title', false);
    if (title !== undefined) {
        if (chars(title) > ANNOTATION_TITLE_MAX_CHARS) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.title has ${chars(title)} characters; GitHub allows ${ANNOTATION_TITLE_MAX_CHARS}.`);
        }
        annotation.title = title;
    }
    const raw_details = text('raw_details', false);
    for (const [key, v] of [['message', message], ['raw_details', raw_details]]) {
        if (v !== undefined && utf8Bytes(v) > ANNOTATION_TEXT_MAX_BYTES) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${at}.${key} has ${utf8Bytes(v)} bytes; GitHub allows ${ANNOTATION_TEXT_MAX_BYTES}.`);
        }
    }
    if (raw_details !== undefined)
        annotation.raw_details = raw_details;
    return annotation;
}
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/**
 * A duration such as 30s, 90m, 6h, 2d, 1w or 1h30m, in milliseconds (more than zero).
 */
function parseDuration(text, input = 'duration') {
    const value = String(text).trim().toLowerCase();
    const help = 'use a number and a unit (s, m, h, d or w), e.g. 90m, 6h, 2d or 1h30m';
    if (!/^(?:\d+[smhdw])+$/.test(value)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} ${show(String(text).trim())} is not a duration: ${help}.`);
    }
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g))
        ms += Number(amount) * UNIT_MS[unit];
    if (!Number.isSafeInteger(ms))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} ${show(value)} is too long: ${help}.`);
    if (ms === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} must be more than zero: ${help}.`);
    return ms;
}
/** true or false (any case; as core.getBooleanInput). Empty gives `fallback` when given. */
function parseBoolean(text, input = 'input', fallback) {
    const value = String(text).trim().toLowerCase();
    if (value === '' && fallback !== undefined)
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .y(`${input} must be true or false, got ${show(String(text).trim())}.`);
}


/***/ }),

/***/ 72461:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  z6: () => (/* binding */ CorruptStateError),
  J6: () => (/* binding */ buildIdProblem),
  sI: () => (/* binding */ buildKey),
  H1: () => (/* binding */ emptyServiceData),
  pP: () => (/* binding */ externalId),
  _m: () => (/* binding */ findAdoptable),
  dZ: () => (/* binding */ isIsoTime),
  Um: () => (/* binding */ mergeAll),
  g0: () => (/* binding */ mergeServiceData),
  Wt: () => (/* binding */ parseExternalId),
  DK: () => (/* binding */ parseServiceData),
  zv: () => (/* binding */ recordOf),
  Xz: () => (/* binding */ sameSuite),
  O4: () => (/* binding */ serializeServiceData),
  P5: () => (/* binding */ setOwn),
  g3: () => (/* binding */ stateRank),
  fC: () => (/* binding */ suiteHash),
  XU: () => (/* binding */ suiteKeyOf)
});

// UNUSED EXPORTS: BUILD_STATES, CONCLUSIONS, EXTERNAL_ID_MAX, MAX_DOCUMENT_CHARS, compareRecords, mergeRecords, serializeRecord

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/checks/types.ts
// The service data: the per-suite record of every build's check run (DESIGN.md "Service data").
// Shared by the pure core (rules, merge) and the adapters (GitHub, stores). No token, ever.
const SERVICE_DATA_VERSION = 1;

;// CONCATENATED MODULE: ./src/checks/suite-extras.ts
/** The top-level keys of the service data that mergeSuiteExtras joins. */
const SUITE_EXTRA_KEYS = ['aggregate', 'conclusion_run'];
/** Joins the suite-level fields of two documents; absent fields stay absent (no `undefined` keys). */
function mergeSuiteExtras(a, b) {
    const merged = {};
    const aggregate = mergeAggregate(a.aggregate, b.aggregate);
    if (aggregate)
        merged.aggregate = aggregate;
    const conclusionRun = mergeConclusionRun(a.conclusion_run, b.conclusion_run);
    if (conclusionRun)
        merged.conclusion_run = conclusionRun;
    return merged;
}
/** Sticky: once any writer switched, the suite is aggregate; the earliest switch is kept. */
function mergeAggregate(a, b) {
    if (!a || !b)
        return a ?? b;
    // Earliest first; a readable time beats an unreadable one, whichever sorts first as text.
    const readable = Number(Number.isFinite(Date.parse(b.since))) - Number(Number.isFinite(Date.parse(a.since)));
    const order = readable || compareTime(a.since, b.since) || compareStrings(a.reason, b.reason);
    return order <= 0 ? a : b;
}
const STATE_RANK = { queued: 0, building: 1, built: 2 };
/**
 * The order of builds' records (service-data.ts compareRecords): the higher (generation,
 * state) wins; on a tie the later updated_at (a later transition must win even before it is
 * synced, so reconcile re-sends it), then a known check_run_id over none, synced over not
 * synced, then a fixed order of the content so that any two records have one answer.
 * `summary_updated_at` is joined on its own (the latest): it only spaces out refreshes.
 */
function mergeConclusionRun(a, b) {
    if (!a || !b)
        return a ?? b;
    const winner = compareConclusionRuns(a, b) >= 0 ? a : b;
    const summaryAt = latest(a.summary_updated_at, b.summary_updated_at);
    if (summaryAt === winner.summary_updated_at)
        return winner;
    const { summary_updated_at: _, ...rest } = winner;
    return summaryAt === undefined ? rest : { ...rest, summary_updated_at: summaryAt };
}
/** > 0 when `a` ranks above `b`; ignores summary_updated_at. */
function compareConclusionRuns(a, b) {
    return (a.generation - b.generation ||
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        compareTime(a.updated_at, b.updated_at) ||
        Number(a.check_run_id !== undefined) - Number(b.check_run_id !== undefined) ||
        Number(a.state_synced) - Number(b.state_synced) ||
        compareStrings(canonical(a), canonical(b)));
}
function latest(a, b) {
    if (a === undefined || b === undefined)
        return a ?? b;
    return compareTime(a, b) >= 0 ? a : b;
}
/**
 * A total order on timestamps: readable ones by instant (then text, for equal instants
 * written differently), all above unreadable ones (ordered by text).
 */
function compareTime(a, b) {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    const va = Number.isFinite(ta);
    const vb = Number.isFinite(tb);
    if (va !== vb)
        return va ? 1 : -1;
    if (va && ta !== tb)
        return ta - tb;
    return compareStrings(a, b);
}
function compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** The record's content with sorted keys, without summary_updated_at. */
function canonical(record) {
    const entries = Object.entries(record)
        .filter(([key, value]) => key !== 'summary_updated_at' && value !== undefined)
        .sort(([x], [y]) => compareStrings(x, y));
    return JSON.stringify(entries);
}
const STATES = ['queued', 'building', 'built'];
/**
 * Reads and checks the suite-level fields of a parsed JSON document (absent ones stay
 * absent). Only the known fields of each are kept. Returns the first problem found instead.
 */
function readSuiteExtras(doc) {
    const extras = {};
    const problem = (path, expected) => ({ problem: { path, expected } });
    if (doc.aggregate !== undefined) {
        const a = doc.aggregate;
        if (!isPlainObject(a))
            return problem('aggregate', 'an object');
        if (typeof a.since !== 'string' || a.since === '')
            return problem('aggregate.since', 'an ISO 8601 time');
        if (typeof a.reason !== 'string')
            return problem('aggregate.reason', 'a string');
        extras.aggregate = { since: a.since, reason: a.reason };
    }
    if (doc.conclusion_run !== undefined) {
        const c = doc.conclusion_run;
        if (!isPlainObject(c))
            return problem('conclusion_run', 'an object');
        if (!STATES.includes(c.state))
            return problem('conclusion_run.state', 'queued, building or built');
        if (!isCount(c.generation, 1))
            return problem('conclusion_run.generation', 'a positive integer');
        if (typeof c.state_synced !== 'boolean')
            return problem('conclusion_run.state_synced', 'true or false');
        if (typeof c.updated_at !== 'string' || c.updated_at === '')
            return problem('conclusion_run.updated_at', 'an ISO 8601 time');
        const record = {
            state: c.state,
            generation: c.generation,
            state_synced: c.state_synced,
            updated_at: c.updated_at,
        };
        if (c.check_run_id !== undefined) {
            if (!isCount(c.check_run_id, 1))
                return problem('conclusion_run.check_run_id', 'a positive integer');
            record.check_run_id = c.check_run_id;
        }
        if (c.node_id !== undefined) {
            if (typeof c.node_id !== 'string' || c.node_id === '')
                return problem('conclusion_run.node_id', 'a non-empty string');
            record.node_id = c.node_id;
        }
        if (c.conclusion !== undefined) {
            if (c.conclusion !== 'success' && c.conclusion !== 'failure')
                return problem('conclusion_run.conclusion', 'success or failure');
            record.conclusion = c.conclusion;
        }
        if (c.summary_updated_at !== undefined) {
            if (typeof c.summary_updated_at !== 'string' || c.summary_updated_at === '') {
                return problem('conclusion_run.summary_updated_at', 'an ISO 8601 time');
            }
            record.summary_updated_at = c.summary_updated_at;
        }
        extras.conclusion_run = record;
    }
    return { extras };
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isCount(value, min) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

;// CONCATENATED MODULE: ./src/checks/service-data.ts
/**
 * The service data document (DESIGN.md "Service data"): strict parsing, stable serialization,
 * the join merge, and the stable ids that tie a build to its check run on GitHub
 * (`suiteHash`, `externalId`). Pure: no I/O. Values are treated as immutable; merge returns
 * records of its inputs rather than copies.
 */



/** A state document (or fragment) that cannot be used: set aside and rebuilt from GitHub. */
class CorruptStateError extends Error {
    reason;
    constructor(message, reason) {
        super(message);
        this.name = 'CorruptStateError';
        this.reason = reason;
    }
}
const BUILD_STATES = ['queued', 'building', 'built'];
const CONCLUSIONS = [
    'success',
    'failure',
    'neutral',
    'cancelled',
    'skipped',
    'timed_out',
    'action_required',
    'stale',
];
/** Larger text is refused before JSON.parse: a real document is a few KB per build. */
const MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;
/** Unknown (forward-compatible) values nest at most this deep, so nothing recurses unbounded. */
const MAX_EXTRA_DEPTH = 32;
/** JSON nesting allowed at all (checked before JSON.parse, which is slow on deep junk). */
const MAX_JSON_DEPTH = 64;
function stateRank(state) {
    return BUILD_STATES.indexOf(state);
}
function emptyServiceData(key) {
    return {
        version: SERVICE_DATA_VERSION,
        repository: key.repository,
        head_sha: key.head_sha,
        suite: key.suite,
        check_runs: {},
    };
}
function suiteKeyOf(data) {
    return { repository: data.repository, head_sha: data.head_sha, suite: data.suite };
}
function sameSuite(a, b) {
    return a.repository === b.repository && a.head_sha === b.head_sha && a.suite === b.suite;
}
/** The record of a build, if any (own properties only: a build may be called "constructor"). */
function recordOf(data, build) {
    return Object.hasOwn(data.check_runs, build) ? data.check_runs[build] : undefined;
}
/** Sets an own enumerable property, also for keys such as "__proto__". */
function setOwn(target, key, value) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
// ---------------------------------------------------------------------------------------------
// Parsing
// Suite-level extras (aggregate switch, conclusion run) are validated and joined by suite-extras.ts.
const DOC_KEYS = ['version', 'repository', 'head_sha', 'suite', 'check_runs', ...SUITE_EXTRA_KEYS];
const RECORD_KEYS = [
    'name',
    'state',
    'generation',
    'check_run_id',
    'node_id',
    'state_synced',
    'conclusion',
    'details_url',
    'updated_at',
    'reporter',
];
const REPORTER_KEYS = ['run_id', 'run_attempt', 'job', 'job_url'];
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const HEAD_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
// C0, DEL, C1 and the Unicode line/paragraph separators: they break logs and names.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** An ISO 8601 date-time with a zone, as `updated_at` must be (and Transition.at therefore). */
function isIsoTime(value) {
    return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
/** Why a build id cannot be stored, or undefined if it can. Shared with inputs.ts. */
function buildIdProblem(id) {
    if (id.length === 0)
        return 'is empty';
    if (CONTROL.test(id))
        return 'contains a control character';
    if (id.trim() !== id)
        return 'has leading or trailing whitespace';
    return undefined;
}
/** A short, one-line rendering of an untrusted value for messages. */
function show(value) {
    let text;
    try {
        text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    }
    catch {
        text = String(typeof value);
    }
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
function shape(at, expectation, value) {
    const path = at.length > 120 ? `${at.slice(0, 117)}...` : at;
    return new CorruptStateError(`state document: ${path} must be ${expectation}, got ${show(value)}`, 'shape');
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function service_data_isCount(value, min) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}
/** -0 and 0 are the same generation; JSON writes both as 0. */
function normalizeZero(n) {
    return n === 0 ? 0 : n;
}
function nonEmptyString(value) {
    return typeof value === 'string' && value.length > 0;
}
/** Checks that an unknown field holds JSON that serializes back to itself. */
function checkExtra(path, value, depth) {
    if (depth > MAX_EXTRA_DEPTH)
        throw shape(path, `nested at most ${MAX_EXTRA_DEPTH} deep`, '…');
    if (value === null || typeof value === 'string' || typeof value === 'boolean')
        return;
    if (typeof value === 'number') {
        if (!Number.isFinite(value))
            throw shape(path, 'a finite number', value);
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => checkExtra(`${path}[${i}]`, item, depth + 1));
        return;
    }
    if (isObject(value)) {
        for (const [k, v] of Object.entries(value))
            checkExtra(`${path}.${k}`, v, depth + 1);
        return;
    }
    throw shape(path, 'JSON', value);
}
/** Copies the unknown fields of `source` onto `target` (kept for forward compatibility). */
function copyExtras(path, source, known, target) {
    for (const [k, v] of Object.entries(source)) {
        if (known.includes(k))
            continue;
        checkExtra(`${path}.${k}`, v, 1);
        setOwn(target, k, normalizeExtra(v));
    }
}
function normalizeExtra(value) {
    if (typeof value === 'number')
        return normalizeZero(value);
    if (Array.isArray(value))
        return value.map(normalizeExtra);
    if (isObject(value)) {
        const out = {};
        for (const [k, v] of Object.entries(value))
            setOwn(out, k, normalizeExtra(v));
        return out;
    }
    return value;
}
function parseReporter(path, value) {
    if (!isObject(value))
        throw shape(path, 'an object', value);
    if (!service_data_isCount(value.run_id, 1))
        throw shape(`${path}.run_id`, 'a positive integer', value.run_id);
    if (!service_data_isCount(value.run_attempt, 1)) {
        throw shape(`${path}.run_attempt`, 'a positive integer', value.run_attempt);
    }
    if (!nonEmptyString(value.job))
        throw shape(`${path}.job`, 'a non-empty string', value.job);
    const reporter = { run_id: value.run_id, run_attempt: value.run_attempt, job: value.job };
    if (value.job_url !== undefined) {
        if (!nonEmptyString(value.job_url)) {
            throw shape(`${path}.job_url`, 'a non-empty string', value.job_url);
        }
        reporter.job_url = value.job_url;
    }
    copyExtras(path, value, REPORTER_KEYS, reporter);
    return reporter;
}
function parseRecord(path, value) {
    if (!isObject(value))
        throw shape(path, 'an object', value);
    const { name, state, generation, check_run_id, node_id, state_synced } = value;
    const { conclusion, details_url, updated_at, reporter } = value;
    if (!nonEmptyString(name))
        throw shape(`${path}.name`, 'a non-empty string', name);
    if (typeof state !== 'string' || !BUILD_STATES.includes(state)) {
        throw new CorruptStateError(`state document: ${path}.state must be one of ${BUILD_STATES.join(', ')}, got ${show(state)}`, 'shape');
    }
    if (!service_data_isCount(generation, 0)) {
        throw shape(`${path}.generation`, 'a non-negative integer', generation);
    }
    if (typeof state_synced !== 'boolean') {
        throw shape(`${path}.state_synced`, 'true or false', state_synced);
    }
    if (!isIsoTime(updated_at)) {
        throw shape(`${path}.updated_at`, 'an ISO 8601 time', updated_at);
    }
    const record = {
        name,
        state: state,
        generation: normalizeZero(generation),
        state_synced,
        updated_at,
    };
    if (check_run_id !== undefined) {
        if (!service_data_isCount(check_run_id, 1)) {
            throw shape(`${path}.check_run_id`, 'a positive integer', check_run_id);
        }
        record.check_run_id = check_run_id;
    }
    if (node_id !== undefined) {
        if (!nonEmptyString(node_id))
            throw shape(`${path}.node_id`, 'a non-empty string', node_id);
        record.node_id = node_id;
    }
    if (state === 'built') {
        if (typeof conclusion !== 'string' || !CONCLUSIONS.includes(conclusion)) {
            throw new CorruptStateError(`state document: ${path}.conclusion of a built record must be one of ${CONCLUSIONS.join(', ')}, got ${show(conclusion)}`, 'shape');
        }
        record.conclusion = conclusion;
    }
    else if (conclusion !== undefined) {
        throw shape(`${path}.conclusion`, `absent while the state is ${state}`, conclusion);
    }
    if (details_url !== undefined) {
        if (!nonEmptyString(details_url)) {
            throw shape(`${path}.details_url`, 'a non-empty string', details_url);
        }
        record.details_url = details_url;
    }
    if (reporter !== undefined)
        record.reporter = parseReporter(`${path}.reporter`, reporter);
    copyExtras(path, value, RECORD_KEYS, record);
    return record;
}
function parseDocument(value) {
    if (!isObject(value))
        throw shape('the document', 'a JSON object', value);
    const { version, repository, head_sha, suite, check_runs } = value;
    // The version first: a newer version may have any shape.
    if (typeof version !== 'number' || !Number.isInteger(version)) {
        throw shape('version', 'an integer', version);
    }
    if (version > SERVICE_DATA_VERSION) {
        throw new CorruptStateError(`state document version ${version} was written by a newer github-app-ci (this one reads version ${SERVICE_DATA_VERSION}); upgrade the action`, 'newer-version');
    }
    if (version < SERVICE_DATA_VERSION)
        throw shape('version', `${SERVICE_DATA_VERSION}`, version);
    if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
        throw shape('repository', '"owner/name"', repository);
    }
    if (typeof head_sha !== 'string' || !HEAD_SHA.test(head_sha)) {
        throw shape('head_sha', 'a lower-case hex commit sha', head_sha);
    }
    if (!nonEmptyString(suite) || CONTROL.test(suite)) {
        throw shape('suite', 'a non-empty name without control characters', suite);
    }
    if (!isObject(check_runs))
        throw shape('check_runs', 'an object', check_runs);
    const records = {};
    for (const [build, record] of Object.entries(check_runs)) {
        const path = `check_runs[${show(build)}]`;
        const problem = buildIdProblem(build);
        if (problem)
            throw new CorruptStateError(`state document: build id ${path} ${problem}`, 'shape');
        setOwn(records, build, parseRecord(path, record));
    }
    const data = {
        version: SERVICE_DATA_VERSION,
        repository,
        head_sha,
        suite,
        check_runs: records,
    };
    const extras = readSuiteExtras(value);
    if ('problem' in extras)
        throw shape(extras.problem.path, extras.problem.expected, undefined);
    Object.assign(data, extras.extras);
    copyExtras('the document', value, DOC_KEYS, data);
    return data;
}
/**
 * Parses and strictly validates a state document. Unknown fields are kept (and written back)
 * so a newer writer of the same version loses nothing. Throws only CorruptStateError.
 */
function parseServiceData(text) {
    if (typeof text !== 'string') {
        throw new CorruptStateError('state document: expected text', 'not-text');
    }
    if (text.length > MAX_DOCUMENT_CHARS) {
        throw new CorruptStateError(`state document: ${text.length} characters is more than the ${MAX_DOCUMENT_CHARS} a state document may have`, 'too-large');
    }
    if (nestingExceeds(text, MAX_JSON_DEPTH)) {
        throw new CorruptStateError(`state document: nested more than ${MAX_JSON_DEPTH} levels deep, which no state document is`, 'shape');
    }
    let value;
    try {
        value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    }
    catch (error) {
        // V8 quotes the text around the error, CR and other control characters included: keep one line
        const detail = error instanceof Error ? error.message.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 120) : '';
        throw new CorruptStateError(`state document is not valid JSON: ${detail}`, 'not-json');
    }
    try {
        return parseDocument(value);
    }
    catch (error) {
        if (error instanceof CorruptStateError)
            throw error;
        // Defensive: nothing else is expected, but a reader must never crash on bad state.
        throw new CorruptStateError(`state document could not be read: ${String(error).slice(0, 120)}`, 'shape');
    }
}
/** One linear pass: does any bracket outside a string nest deeper than `limit`? */
function nestingExceeds(text, limit) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // backslash: skip the escaped character
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22)
            inString = true;
        else if (c === 0x5b || c === 0x7b) {
            if (++depth > limit)
                return true;
        }
        else if (c === 0x5d || c === 0x7d)
            depth--;
    }
    return false;
}
// ---------------------------------------------------------------------------------------------
// Serialization
/** JSON with object keys sorted at every level: equal values give equal text. */
function service_data_canonical(value) {
    if (Array.isArray(value))
        return value.map(service_data_canonical);
    if (isObject(value)) {
        const out = {};
        for (const k of Object.keys(value).sort())
            setOwn(out, k, service_data_canonical(value[k]));
        return out;
    }
    return value;
}
/** Known keys in a fixed order, then unknown keys sorted. */
function ordered(value, known) {
    const source = value;
    const out = {};
    for (const k of known)
        if (Object.hasOwn(source, k) && source[k] !== undefined)
            setOwn(out, k, source[k]);
    const extras = Object.keys(source)
        .filter((k) => !known.includes(k) && source[k] !== undefined)
        .sort();
    for (const k of extras)
        setOwn(out, k, service_data_canonical(source[k]));
    return out;
}
function orderedRecord(record) {
    const out = ordered(record, RECORD_KEYS);
    if (record.reporter)
        out.reporter = ordered(record.reporter, REPORTER_KEYS);
    return out;
}
/** The stable text of one record (also the last tie-break of the merge). */
function serializeRecord(record) {
    return JSON.stringify(orderedRecord(record));
}
/** Stable text: equal data gives equal text (keys ordered, builds sorted). */
function serializeServiceData(data) {
    const out = ordered(data, DOC_KEYS);
    const runs = {};
    for (const build of Object.keys(data.check_runs).sort()) {
        setOwn(runs, build, orderedRecord(data.check_runs[build]));
    }
    out.check_runs = runs;
    return JSON.stringify(out);
}
// ---------------------------------------------------------------------------------------------
// Merge (a join: commutative, associative, idempotent)
function compareNumbers(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * A total order on records of one build; the merge keeps the greater. In order:
 * generation, state rank (queued < building < built), then the later `updated_at`, then a
 * known check_run_id over none, then synced over not synced, then the serialized text.
 *
 * Why `updated_at` comes before id/synced (DESIGN lists it after): within one generation and
 * state, two records with different times are two different transitions (e.g. `built` twice,
 * a rebuild with a new conclusion), and the later one must win even while it is not synced
 * yet, or reconcile would never re-send it. Records of the same transition carry the same
 * `updated_at` (re-sends keep it; see recordAfter), so for them the id and synced rules
 * decide exactly as DESIGN says. test/rules.test.ts has the counterexample.
 */
function compareRecords(a, b) {
    return (compareNumbers(a.generation, b.generation) ||
        compareNumbers(stateRank(a.state), stateRank(b.state)) ||
        compareNumbers(Date.parse(a.updated_at), Date.parse(b.updated_at)) ||
        compareNumbers(a.check_run_id === undefined ? 0 : 1, b.check_run_id === undefined ? 0 : 1) ||
        compareNumbers(a.state_synced ? 1 : 0, b.state_synced ? 1 : 0) ||
        service_data_compareStrings(serializeRecord(a), serializeRecord(b)));
}
function service_data_compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** The join of two records of the same build. */
function mergeRecords(a, b) {
    return compareRecords(a, b) >= 0 ? a : b;
}
/**
 * The join of two documents of one suite: every build of either, each with the greater
 * record. Unknown top-level fields are joined too (the greater serialized value per key).
 * Documents of different suites throw CorruptStateError('suite-mismatch'): a fragment filed
 * under the wrong suite is set aside like any unreadable one.
 */
function mergeServiceData(a, b) {
    if (!sameSuite(a, b)) {
        throw new CorruptStateError(`cannot merge state of different suites: ${show(`${a.repository}@${a.head_sha.slice(0, 7)} ${a.suite}`)} and ${show(`${b.repository}@${b.head_sha.slice(0, 7)} ${b.suite}`)}`, 'suite-mismatch');
    }
    const check_runs = {};
    for (const [build, record] of Object.entries(a.check_runs))
        setOwn(check_runs, build, record);
    for (const [build, record] of Object.entries(b.check_runs)) {
        const other = Object.hasOwn(check_runs, build) ? check_runs[build] : undefined;
        setOwn(check_runs, build, other ? mergeRecords(other, record) : record);
    }
    const merged = { ...emptyServiceData(a), check_runs, ...mergeSuiteExtras(a, b) };
    const sa = a;
    const sb = b;
    const extraKeys = new Set([...Object.keys(sa), ...Object.keys(sb)].filter((k) => !DOC_KEYS.includes(k)));
    for (const k of extraKeys) {
        const va = Object.hasOwn(sa, k) ? sa[k] : undefined;
        const vb = Object.hasOwn(sb, k) ? sb[k] : undefined;
        let value = va;
        if (va === undefined)
            value = vb;
        else if (vb !== undefined) {
            value = JSON.stringify(service_data_canonical(va)) >= JSON.stringify(service_data_canonical(vb)) ? va : vb;
        }
        if (value !== undefined)
            setOwn(merged, k, value);
    }
    return merged;
}
/** Joins any number of documents of one suite onto an empty one. */
function mergeAll(key, documents) {
    let merged = emptyServiceData(key);
    for (const document of documents)
        merged = mergeServiceData(merged, document);
    return merged;
}
// ---------------------------------------------------------------------------------------------
// Stable ids
function sha256Hex(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
}
/** 16 hex characters identifying a suite; used in fragment names and external ids. */
function suiteHash(key) {
    return sha256Hex(JSON.stringify([key.repository, key.head_sha, key.suite])).slice(0, 16);
}
/** GitHub accepts longer external ids, but we stay within 100 characters. */
const EXTERNAL_ID_MAX = 100;
const EXTERNAL_ID_PREFIX = 'gac1';
const RAW_BUILD_KEY = /^[A-Za-z0-9_.-]{1,60}$/;
const EXTERNAL_ID = /^gac1:([0-9a-f]{16}):([A-Za-z0-9_.-]{1,60}|~[0-9a-f]{32}):(\d{1,16})$/;
/** The build id as written in an external id: itself when short and plain, else a hash. */
function buildKey(build) {
    return RAW_BUILD_KEY.test(build) ? build : `~${sha256Hex(build).slice(0, 32)}`;
}
/**
 * The `external_id` of a build's check run: `gac1:<suite hash>:<build key>:<generation>`
 * (at most 99 characters). Without `generation`, the (suite, build) part, which every full
 * id of that build starts with (followed by ':').
 *
 * The generation is included, and matching ignores it, because:
 * - a re-run job (a new generation) updates the same check run rather than creating one, so
 *   one run carries the build across generations; apply sets the external id on every create
 *   and update, so it always names the generation the run now shows;
 * - reconcile adopts by (suite, build) prefix, taking the newest run: the run a lost create
 *   reply made is found whatever generation it was made for, and a run of an older
 *   generation is reused instead of being left stale beside a new one;
 * - when the state is lost, it is rebuilt from GitHub's runs, and the generation in the id
 *   keeps a late transition of an older attempt from overwriting a newer one.
 */
function externalId(suite, build, generation) {
    const base = `${EXTERNAL_ID_PREFIX}:${suiteHash(suite)}:${buildKey(build)}`;
    if (generation === undefined)
        return base;
    if (!Number.isSafeInteger(generation) || generation < 0) {
        throw new RangeError(`generation must be a non-negative integer, got ${generation}`);
    }
    return `${base}:${generation}`;
}
/** Reads an external id written by externalId(); undefined for anyone else's. */
function parseExternalId(id) {
    if (typeof id !== 'string')
        return undefined;
    const match = EXTERNAL_ID.exec(id);
    if (!match)
        return undefined;
    const generation = Number(match[3]);
    if (!Number.isSafeInteger(generation))
        return undefined;
    return { suite_hash: match[1], build_key: match[2], generation };
}
/**
 * The run to adopt for a build whose creation reply may have been lost: among the app's runs
 * on the commit whose external id names this (suite, build), the newest (highest id), which
 * is also the one GitHub shows for the name.
 */
function findAdoptable(runs, suite, build) {
    const hash = suiteHash(suite);
    const key = buildKey(build);
    let best;
    for (const run of runs) {
        const parsed = parseExternalId(run.external_id);
        if (!parsed || parsed.suite_hash !== hash || parsed.build_key !== key)
            continue;
        if (!best || run.id > best.id)
            best = run;
    }
    return best;
}


/***/ }),

/***/ 21178:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FV: () => (/* binding */ escapeMarkdown),
/* harmony export */   GI: () => (/* binding */ readableTime),
/* harmony export */   Jf: () => (/* binding */ outputFor),
/* harmony export */   Pl: () => (/* binding */ safeUrl),
/* harmony export */   Q$: () => (/* binding */ titleFor)
/* harmony export */ });
/* unused harmony export defaultSummary */
const BUILT_TITLES = {
    success: '🟢 SUCCESS',
    neutral: '🟠 NEUTRAL',
    failure: '🔴 FAILURE',
    timed_out: '🔴 TIMED OUT',
    // It blocks the suite like a failure (src/checks/conclusion.ts), so it is red.
    action_required: '🔴 ACTION REQUIRED',
    cancelled: '⚫ CANCELLED',
    // GitHub marks a run left incomplete for 14 days stale: it stopped without an answer.
    stale: '⚫ STALE',
    skipped: '⚪ SKIPPED',
};
const STATE_TITLES = {
    queued: '⚪ QUEUED',
    building: '🟡 BUILDING',
};
/** The state as a title: "⚪ QUEUED", "🟡 BUILDING", "🟢 SUCCESS", "🔴 FAILURE", … */
function titleFor(record) {
    if (record.state !== 'built')
        return STATE_TITLES[record.state];
    // A built record always has a conclusion; an unknown one (a newer GitHub value) is shown, not hidden.
    if (!record.conclusion)
        return '🔴 NO CONCLUSION';
    return BUILT_TITLES[record.conclusion] ?? `🔴 ${String(record.conclusion).toUpperCase().replace(/_/g, ' ')}`;
}
const STATE_SENTENCES = {
    queued: 'Waiting for a runner.',
    building: 'The job is running.',
    built: 'The job finished',
};
/** Who reported the state, when, and a link to the job. Markdown. */
function defaultSummary(record, ctx = contextOf(record)) {
    const what = record.state === 'built'
        ? `${STATE_SENTENCES.built}: \`${record.conclusion ?? 'no conclusion'}\`.`
        : STATE_SENTENCES[record.state];
    const lines = [`**${titleFor(record)}** · ${escapeMarkdown(record.name)}`, '', what];
    const by = ctx.reporter
        ? `Reported by job ${inlineCode(ctx.reporter.job)} (run ${ctx.reporter.run_id}, attempt ${ctx.reporter.run_attempt})`
        : 'Reported';
    lines.push('', `${by}${ctx.at ? ` at ${readableTime(ctx.at)}` : ''}.`);
    const url = safeUrl(ctx.jobUrl ?? ctx.reporter?.job_url);
    if (url)
        lines.push('', `[Open the job](${url}) to see its log or re-run it.`);
    return lines.join('\n');
}
/** The check run's output: the user's own title/summary/text replace the defaults. */
function outputFor(record, user = {}, ctx = contextOf(record)) {
    const output = {
        title: given(user.title) ?? titleFor(record),
        summary: given(user.summary) ?? defaultSummary(record, ctx),
    };
    const text = given(user.text);
    if (text !== undefined)
        output.text = text;
    return output;
}
function contextOf(record) {
    return { reporter: record.reporter, at: record.updated_at, jobUrl: record.reporter?.job_url ?? record.details_url };
}
/** Action inputs arrive as '' when unset: blank means "use the default". */
function given(value) {
    return value === undefined || value.trim() === '' ? undefined : value;
}
/** "2026-05-01T12:00:00.000Z" -> "2026-05-01 12:00:00 UTC"; anything else as it came. */
function readableTime(iso) {
    const ms = Date.parse(iso);
    if (!Number.isFinite(ms))
        return escapeMarkdown(iso);
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
/** Text shown literally in Markdown, on one line, also inside a table cell or a link text. */
function escapeMarkdown(text) {
    return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[\\`*_[\]<>|~#&]/g, '\\$&');
}
/** Inline code that survives backticks and pipes in the text. */
function inlineCode(text) {
    return `\`${text.replace(/[\u0000-\u001f\u007f`|]+/g, ' ')}\``;
}
/** An http(s) URL usable as a Markdown link target, or undefined (other schemes, too long). */
function safeUrl(url, maxLength = 1000) {
    if (!url || url.length > maxLength || !/^https?:\/\//i.test(url))
        return undefined;
    return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}


/***/ }),

/***/ 31243:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PB: () => (/* binding */ CONCLUSION_BUILD),
  kD: () => (/* binding */ conclusionExternalId),
  fA: () => (/* binding */ openSession),
  di: () => (/* binding */ readCommonInputs),
  xj: () => (/* binding */ readSuite),
  ol: () => (/* binding */ writeSuite)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: ./src/auth/app-auth.ts + 3 modules
var app_auth = __webpack_require__(82610);
// EXTERNAL MODULE: ./src/auth/inputs.ts + 1 modules
var auth_inputs = __webpack_require__(15571);
// EXTERNAL MODULE: ./src/checks/inputs.ts
var inputs = __webpack_require__(41704);
// EXTERNAL MODULE: ./src/checks/service-data.ts + 2 modules
var service_data = __webpack_require__(72461);
// EXTERNAL MODULE: ./src/context.ts
var context = __webpack_require__(40788);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/github/check-runs.ts
var check_runs = __webpack_require__(2842);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(96584);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
var promises_default = /*#__PURE__*/__webpack_require__.n(promises_);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/store/errors.ts
// Errors a store reports instead of swallowing: each message says what happened and what to do.
// Never put a token, signed URL or other secret in a message (see scrubSecrets).
class StoreError extends Error {
    code;
    /** The store's description, e.g. "cache" or "file:/tmp/state". */
    store;
    constructor(store, code, message, options) {
        super(`${store} store: ${message}`, options);
        this.name = 'StoreError';
        this.code = code;
        this.store = store;
    }
}
/** Removes signatures of signed URLs from a message the toolkit produced. */
function scrubSecrets(message) {
    return message.replace(/([?&](?:sig|token|code)=)[^&\s"']+/gi, '$1***').replace(/\bBearer\s+\S+/g, 'Bearer ***');
}
function describeCause(e) {
    return scrubSecrets(e instanceof Error ? e.message : String(e));
}
/** The artifact and cache stores talk to the job's Actions runtime; outside a job there is none. */
function requireRuntime(store) {
    if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
        throw new StoreError(store, 'failed', 'the Actions runtime is not available (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set): this ' +
            'store works only inside a GitHub Actions job. Use store: file:<directory> elsewhere.');
    }
}

// EXTERNAL MODULE: ./src/store/naming.ts
var naming = __webpack_require__(27897);
;// CONCATENATED MODULE: ./src/store/rest.ts
// The slice of Octokit the stores use for cross-run work (reconcile): artifacts and caches REST.
// An Octokit from @actions/github fits; the stores never see the token itself.
const PER_PAGE = 100;
const MAX_PAGES = 50;
/** All items of a paginated list endpoint whose reply is { total_count, [field]: [...] }. */
async function listAll(rest, route, field, query = {}) {
    const all = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
        const { data } = await rest.octokit.request(route, {
            owner: rest.owner, repo: rest.repo, per_page: PER_PAGE, page, ...query,
        });
        const reply = data;
        const items = reply[field] ?? [];
        all.push(...items);
        if (items.length < PER_PAGE || all.length >= reply.total_count)
            break;
    }
    return all;
}
/** The HTTP status of an Octokit RequestError (undefined for other errors). */
const statusOf = (e) => typeof e?.status === 'number' ? e.status : undefined;

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/store/unzip.ts
// Reads the files of a small zip held in memory (an artifact downloaded through the REST API),
// with unzip-stream, the unzipper @actions/artifact itself uses.

async function unzipText(zip) {
    const { default: unzip } = (await __webpack_require__.e(/* import() */ 991).then(__webpack_require__.t.bind(__webpack_require__, 33991, 19)));
    const files = new Map();
    const reads = [];
    await new Promise((resolve, reject) => {
        external_node_stream_.Readable.from([zip])
            .pipe(unzip.Parse())
            .on('entry', (entry) => {
            if (entry.type !== 'File')
                return entry.autodrain();
            const chunks = [];
            reads.push(new Promise((done, fail) => {
                entry.on('data', (c) => chunks.push(c));
                entry.on('end', () => done(void files.set(entry.path, Buffer.concat(chunks).toString('utf8'))));
                entry.on('error', fail);
            }));
        })
            .on('close', resolve)
            .on('finish', resolve)
            .on('error', reject);
    });
    await Promise.all(reads);
    return files;
}

// EXTERNAL MODULE: ./src/store/parallel.ts
var parallel = __webpack_require__(41658);
;// CONCATENATED MODULE: ./src/store/artifact.ts
// `artifact` (default): each write uploads one small fragment as a workflow artifact named
// `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`; readers list the run's artifacts
// (ListArtifacts through the runtime token), keep their suite's and download them. Reconcile
// works across runs through the REST API (`actions: read`, deletes need `actions: write`).
// @actions/artifact is imported only when this store is used, to keep the action fast to start.








const FILE = 'fragment.json';
class ArtifactStore {
    description = 'artifact';
    #options;
    #client;
    constructor(options = {}) {
        this.#options = options;
    }
    async writeFragment(key, text, writer) {
        const name = (0,naming/* fragmentName */.Gp)(key, writer);
        const dir = await tempDir();
        try {
            await promises_default().writeFile(external_node_path_default().join(dir, FILE), text);
            const client = await this.#artifacts();
            const { id } = await client.uploadArtifact(name, [external_node_path_default().join(dir, FILE)], dir, {
                retentionDays: this.#options.retentionDays,
            });
            if (id === undefined)
                throw new Error('the artifact service returned no artifact id');
            return { id: String(id), name, suite_hash: (0,naming/* suiteHashOf */.cM)(name), created_at: new Date().toISOString() };
        }
        catch (e) {
            if (/\(409\)/.test(describeCause(e))) {
                throw new StoreError(this.description, 'duplicate', `an artifact named ${name} already exists in this run.`, { cause: e });
            }
            throw this.#failed(`cannot upload fragment ${name}`, e);
        }
        finally {
            await promises_default().rm(dir, { recursive: true, force: true });
        }
    }
    async readFragments(key) {
        const prefix = (0,naming/* suitePrefix */.XS)(key);
        const mine = (await this.#listRun()).filter((a) => a.name.startsWith(prefix));
        return (0,parallel/* mapLimit */.s)(mine, (a) => this.#downloadFromRun(a));
    }
    async listAllFragments() {
        const { rest } = this.#options;
        if (!rest)
            return (await this.#listRun()).map(toRef);
        try {
            const all = await listAll(rest, 'GET /repos/{owner}/{repo}/actions/artifacts', 'artifacts');
            return all
                .filter((a) => !a.expired && a.name.startsWith(naming/* FRAGMENT_PREFIX */.CZ) && (0,naming/* suiteHashOf */.cM)(a.name))
                .map((a) => toRef({ id: a.id, name: a.name, createdAt: a.created_at }));
        }
        catch (e) {
            throw this.#failed(`cannot list artifacts of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e);
        }
    }
    async readFragment(ref) {
        if (!this.#options.rest)
            return this.#downloadFromRun({ id: Number(ref.id), name: ref.name ?? ref.id, createdAt: ref.created_at });
        return { ...ref, text: await this.#downloadViaRest(Number(ref.id)) };
    }
    async deleteFragments(refs) {
        const { rest } = this.#options;
        await (0,parallel/* mapLimit */.s)(refs, async (ref) => {
            try {
                if (rest) {
                    await rest.octokit.request('DELETE /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', {
                        owner: rest.owner, repo: rest.repo, artifact_id: Number(ref.id),
                    });
                }
                else {
                    if (!ref.name)
                        throw new Error('the fragment reference has no artifact name');
                    await (await this.#artifacts()).deleteArtifact(ref.name);
                }
            }
            catch (e) {
                // already gone: deleting is idempotent
                if (statusOf(e) === 404 || e?.name === 'ArtifactNotFoundError')
                    return;
                throw this.#failed(`cannot delete artifact ${ref.name ?? ref.id}${rest ? ' (the token needs actions: write)' : ''}`, e);
            }
        });
    }
    #artifacts() {
        requireRuntime(this.description);
        this.#client ??= Promise.all(/* import() */[__webpack_require__.e(110), __webpack_require__.e(991), __webpack_require__.e(917)]).then(__webpack_require__.bind(__webpack_require__, 86917)).then((m) => new m.DefaultArtifactClient());
        return this.#client;
    }
    async #listRun() {
        try {
            const { artifacts } = await (await this.#artifacts()).listArtifacts();
            return artifacts.filter((a) => a.name.startsWith(naming/* FRAGMENT_PREFIX */.CZ) && (0,naming/* suiteHashOf */.cM)(a.name));
        }
        catch (e) {
            throw this.#failed("cannot list this run's artifacts", e);
        }
    }
    async #downloadFromRun(a) {
        const dir = await tempDir();
        try {
            await (await this.#artifacts()).downloadArtifact(a.id, { path: dir });
            return { ...toRef(a), text: await promises_default().readFile(external_node_path_default().join(dir, FILE), 'utf8') };
        }
        catch (e) {
            throw this.#failed(`cannot download fragment ${a.name}`, e, 'restore-failed');
        }
        finally {
            await promises_default().rm(dir, { recursive: true, force: true });
        }
    }
    /** GitHub answers the archive download with a redirect to a signed blob URL; follow it unauthenticated. */
    async #downloadViaRest(id) {
        const rest = this.#options.rest;
        try {
            const { status, headers } = await rest.octokit.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { owner: rest.owner, repo: rest.repo, artifact_id: id, archive_format: 'zip', request: { redirect: 'manual' } });
            const location = headers.location;
            if (status !== 302 || typeof location !== 'string')
                throw new Error(`unexpected reply ${status} without a redirect`);
            const blob = await fetch(location);
            if (!blob.ok)
                throw new Error(`blob storage answered ${blob.status}`);
            const text = (await unzipText(Buffer.from(await blob.arrayBuffer()))).get(FILE);
            if (text === undefined)
                throw new Error(`the artifact has no ${FILE}`);
            return text;
        }
        catch (e) {
            throw this.#failed(`cannot download artifact ${id} (the token needs actions: read)`, e, 'restore-failed');
        }
    }
    #failed(what, e, code = 'failed') {
        if (e instanceof StoreError)
            return e;
        return new StoreError(this.description, code, `${what}: ${describeCause(e)}`, { cause: e });
    }
}
function toRef(a) {
    const created = a.createdAt === undefined ? undefined : new Date(a.createdAt).toISOString();
    return { id: String(a.id), name: a.name, suite_hash: (0,naming/* suiteHashOf */.cM)(a.name) ?? '', ...(created ? { created_at: created } : {}) };
}
async function tempDir() {
    return promises_default().mkdtemp(external_node_path_default().join(process.env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'github-app-ci-'));
}

;// CONCATENATED MODULE: ./src/store/runtime-token.ts
// What the runner's ACTIONS_RUNTIME_TOKEN says about cache access: its `ac` claim lists the cache
// scopes (refs) of this run with Permission bits 1 = read, 2 = write. Read to explain failures
// (read-only tokens, invisible scopes); the token itself is never printed or stored.
/** The cache scopes the token grants, or undefined when there is no readable token. */
function cacheScopes(token = process.env.ACTIONS_RUNTIME_TOKEN) {
    if (!token)
        return undefined;
    try {
        const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
        if (typeof payload.ac !== 'string')
            return undefined;
        const ac = JSON.parse(payload.ac);
        return ac.map((s) => ({ scope: s.Scope, read: (s.Permission & 1) !== 0, write: (s.Permission & 2) !== 0 }));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/store/cache.ts
// `cache`: the same fragments as cache entries under never-reused keys
// `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`. What the toolkit hides is reported:
// - a prefix restore returns only the newest entry, so keys are listed through the REST API
//   (`actions: read`) and each is restored by its exact key;
// - saveCache answers -1 for a duplicate key and for a write denied to read-only tokens
//   (check_run, fork pull_request and pull_request_target runs): a StoreError says which;
// - restoreCache answers "miss" when the download fails: a listed key that does not restore is
//   a StoreError, not an empty read;
// - entries are scoped to the ref that wrote them: those this run cannot read are explained.
// Each fragment is archived from its own path `.github-app-ci-store/<key>.json` (relative to the
// working directory, the workspace in a job), so writers in one process never share a file and
// the cache version, a hash of that path, is the same on every runner; `enableCrossOsArchive`
// lets Windows and Linux jobs share entries.
// @actions/cache is imported only when this store is used, to keep the action fast to start.







const DIR = '.github-app-ci-store';
/** Saves and restores under way in this process: the last one out removes the (then empty) DIR. */
let busy = 0;
const relPath = (key) => `${DIR}/${key}.json`;
const SCOPE_RULE = 'GitHub scopes a cache entry to the ref that saved it; a run reads only its own ref and the default ' +
    'branch (a pull request run also its base branch), so entries saved by other branches or pull requests ' +
    'are invisible to it.';
class CacheStore {
    description = 'cache';
    #options;
    #module;
    constructor(options = {}) {
        this.#options = options;
    }
    async writeFragment(key, text, writer) {
        const cacheKey = (0,naming/* fragmentName */.Gp)(key, writer);
        this.#checkWritable();
        const file = external_node_path_default().resolve(relPath(cacheKey));
        let id;
        busy++;
        try {
            await promises_default().mkdir(external_node_path_default().dirname(file), { recursive: true });
            await promises_default().writeFile(file, text);
            id = await (await this.#cache()).saveCache([relPath(cacheKey)], cacheKey, undefined, true);
        }
        catch (e) {
            throw this.#failed(`cannot save fragment ${cacheKey}`, e);
        }
        finally {
            await this.#tidy(file);
        }
        if (id === -1)
            throw await this.#whySaveFailed(cacheKey);
        return { id: cacheKey, name: cacheKey, suite_hash: (0,naming/* suiteHashOf */.cM)(cacheKey), created_at: new Date().toISOString() };
    }
    async readFragments(key) {
        const entries = this.#newestPerKey(await this.#list((0,naming/* suitePrefix */.XS)(key)));
        const readable = this.#readableScopes();
        const visible = readable ? entries.filter((e) => readable.has(e.ref)) : entries;
        const hidden = entries.filter((e) => !visible.includes(e));
        if (hidden.length > 0) {
            const refs = [...new Set(hidden.map((e) => e.ref))].join(', ');
            this.#options.warn?.(`cache store: ${hidden.length} fragment(s) of this suite were saved in ${refs}, which this run cannot read. ` +
                `${SCOPE_RULE} Their builds are taken from GitHub's check runs instead.`);
        }
        return (0,parallel/* mapLimit */.s)(visible, (e) => this.#restore(cache_toRef(e)));
    }
    async listAllFragments() {
        return this.#newestPerKey(await this.#list(naming/* FRAGMENT_PREFIX */.CZ)).filter((e) => (0,naming/* suiteHashOf */.cM)(e.key)).map(cache_toRef);
    }
    async readFragment(ref) {
        return this.#restore(ref);
    }
    async deleteFragments(refs) {
        const rest = this.#rest('delete fragments');
        await (0,parallel/* mapLimit */.s)(refs, async (ref) => {
            try {
                await rest.octokit.request('DELETE /repos/{owner}/{repo}/actions/caches{?key,ref}', {
                    owner: rest.owner, repo: rest.repo, key: ref.id,
                });
            }
            catch (e) {
                if (statusOf(e) === 404)
                    return; // already gone: deleting is idempotent
                throw this.#failed(`cannot delete cache entry ${ref.id} (the token needs actions: write)`, e);
            }
        });
    }
    #cache() {
        requireRuntime(this.description);
        this.#module ??= Promise.all(/* import() */[__webpack_require__.e(110), __webpack_require__.e(91)]).then(__webpack_require__.bind(__webpack_require__, 18091));
        return this.#module;
    }
    #rest(what) {
        const { rest } = this.#options;
        if (!rest) {
            throw new StoreError(this.description, 'needs-api', `cannot ${what} without the REST API: a prefix restore returns only the newest entry, so the cache ` +
                'store lists keys through the API. Give the step a token with actions: read (actions: write to delete).');
        }
        return rest;
    }
    async #list(prefix) {
        const rest = this.#rest('list fragments');
        try {
            return await listAll(rest, 'GET /repos/{owner}/{repo}/actions/caches', 'actions_caches', { key: prefix });
        }
        catch (e) {
            throw this.#failed(`cannot list cache entries of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e);
        }
    }
    /** One entry per key: the same key may exist in several refs; prefer a readable, newer one. */
    #newestPerKey(entries) {
        const readable = this.#readableScopes();
        const rank = (e) => [readable?.has(e.ref) ? 1 : 0, Date.parse(e.created_at)];
        const best = new Map();
        for (const e of entries) {
            const had = best.get(e.key);
            const [r1, t1] = rank(e);
            const [r0, t0] = had ? rank(had) : [-1, 0];
            if (r1 > r0 || (r1 === r0 && t1 > t0))
                best.set(e.key, e);
        }
        return [...best.values()].sort((a, b) => a.key.localeCompare(b.key));
    }
    #readableScopes() {
        const scopes = cacheScopes();
        return scopes && new Set(scopes.filter((s) => s.read).map((s) => s.scope));
    }
    #checkWritable() {
        const mode = (process.env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
        if (mode === 'read' || mode === 'none') {
            throw new StoreError(this.description, 'write-denied', `the runner's cache-mode is "${mode}", which does not permit saving; this run cannot record state ` +
                'in the cache. Use store: artifact for this workflow.');
        }
    }
    /** saveCache answered -1: tell a read-only token from a duplicate key from a failed save. */
    async #whySaveFailed(cacheKey) {
        const scopes = cacheScopes();
        if (scopes && !scopes.some((s) => s.write)) {
            const event = process.env.GITHUB_EVENT_NAME ? ` (event: ${process.env.GITHUB_EVENT_NAME})` : '';
            return new StoreError(this.description, 'write-denied', `saveCache refused fragment ${cacheKey}: this run's cache token is read-only${event}. GitHub gives ` +
                'check_run, fork pull_request and pull_request_target runs read-only cache access, so they cannot ' +
                'record state in the cache. Use store: artifact for such workflows.');
        }
        const existing = this.#options.rest
            ? await this.#list(cacheKey).then((l) => l.some((e) => e.key === cacheKey), () => false)
            : false;
        if (existing) {
            return new StoreError(this.description, 'duplicate', `a cache entry with key ${cacheKey} already exists; cache keys are immutable.`);
        }
        return new StoreError(this.description, 'failed', `saveCache returned -1 for fragment ${cacheKey}: the cache service refused or failed the save ` +
            '(the warning above has its reason; a key another job is still creating gives the same answer).');
    }
    async #restore(ref) {
        const cacheKey = ref.id;
        const file = external_node_path_default().resolve(relPath(cacheKey));
        busy++;
        try {
            await promises_default().rm(file, { force: true });
            const hit = await (await this.#cache()).restoreCache([relPath(cacheKey)], cacheKey, [], undefined, true);
            if (hit === cacheKey)
                return { ...ref, text: await promises_default().readFile(file, 'utf8') };
        }
        catch (e) {
            throw this.#failed(`cannot restore fragment ${cacheKey}`, e, 'restore-failed');
        }
        finally {
            await this.#tidy(file);
        }
        throw await this.#whyMissed(cacheKey);
    }
    /** A listed key that does not restore: out of this run's scopes, deleted, or a failed download. */
    async #whyMissed(cacheKey) {
        const readable = this.#readableScopes();
        const entries = this.#options.rest ? await this.#list(cacheKey).catch(() => []) : [];
        const same = entries.filter((e) => e.key === cacheKey);
        if (this.#options.rest && same.length === 0) {
            return new StoreError(this.description, 'restore-failed', `cache entry ${cacheKey} no longer exists (deleted or evicted).`);
        }
        if (readable && same.length > 0 && !same.some((e) => readable.has(e.ref))) {
            return new StoreError(this.description, 'not-visible', `cache entry ${cacheKey} was saved in ${same.map((e) => e.ref).join(', ')}, which this run cannot read. ${SCOPE_RULE}`);
        }
        return new StoreError(this.description, 'restore-failed', `cache entry ${cacheKey} exists but did not restore: restoreCache reports a failed download as a miss ` +
            '(the warning above has its reason).');
    }
    /** Removes a fragment's file, and the directory once no save or restore is under way. */
    async #tidy(file) {
        await promises_default().rm(file, { force: true });
        if (--busy === 0)
            await promises_default().rmdir(external_node_path_default().dirname(file)).catch(() => undefined);
    }
    #failed(what, e, code = 'failed') {
        if (e instanceof StoreError)
            return e;
        return new StoreError(this.description, code, `${what}: ${describeCause(e)}`, { cause: e });
    }
}
function cache_toRef(e) {
    return { id: e.key, name: e.key, suite_hash: (0,naming/* suiteHashOf */.cM)(e.key) ?? '', created_at: e.created_at };
}

;// CONCATENATED MODULE: ./src/store/file.ts
// `file:<dir>`: a directory with one JSON file per fragment, for self-hosted runners, local use and
// tests. A directory (not one shared JSON file) so concurrent writers, in any number of
// processes, never touch the same file: each fragment is written to a temporary file and then
// linked to its final name, which fails instead of overwriting if that name already exists.





const EXT = '.json';
class FileStore {
    description;
    #dir;
    constructor(dir) {
        this.#dir = external_node_path_default().resolve(dir);
        this.description = `file:${dir}`;
    }
    async writeFragment(key, text, writer) {
        const name = (0,naming/* fragmentName */.Gp)(key, writer);
        const final = external_node_path_default().join(this.#dir, name + EXT);
        const temp = external_node_path_default().join(this.#dir, `.${name}.${(0,external_node_crypto_.randomUUID)()}.tmp`);
        try {
            await promises_default().mkdir(this.#dir, { recursive: true });
            await promises_default().writeFile(temp, text, { flag: 'wx' });
            await publish(temp, final);
        }
        catch (e) {
            if (e.code === 'EEXIST') {
                throw new StoreError(this.description, 'duplicate', `fragment ${name} already exists; it was not overwritten.`);
            }
            throw new StoreError(this.description, 'failed', `cannot write ${final}: ${describeCause(e)}`, { cause: e });
        }
        finally {
            await promises_default().rm(temp, { force: true });
        }
        return this.#ref(name + EXT, new Date());
    }
    async readFragments(key) {
        const prefix = (0,naming/* suitePrefix */.XS)(key);
        const names = (await this.#names()).filter((n) => n.startsWith(prefix));
        const read = await Promise.all(names.map((n) => this.#read(n, true)));
        return read.filter((f) => f !== undefined);
    }
    async listAllFragments() {
        const refs = await Promise.all((await this.#names()).map(async (n) => {
            const stat = await promises_default().stat(external_node_path_default().join(this.#dir, n)).catch(() => undefined);
            return stat && this.#ref(n, stat.mtime);
        }));
        return refs.filter((r) => r !== undefined);
    }
    async readFragment(ref) {
        return (await this.#read(ref.id, false));
    }
    async deleteFragments(refs) {
        await Promise.all(refs.map((r) => promises_default().rm(this.#path(r.id), { force: true })));
    }
    #ref(file, created) {
        const name = file.slice(0, -EXT.length);
        return { id: file, name, suite_hash: (0,naming/* suiteHashOf */.cM)(name) ?? '', created_at: created.toISOString() };
    }
    #path(id) {
        // ids are file names this store listed; refuse anything that would leave the directory
        if (external_node_path_default().basename(id) !== id || !id.endsWith(EXT)) {
            throw new StoreError(this.description, 'failed', `"${id}" is not a fragment of this store.`);
        }
        return external_node_path_default().join(this.#dir, id);
    }
    async #names() {
        try {
            return (await promises_default().readdir(this.#dir)).filter((n) => n.startsWith(naming/* FRAGMENT_PREFIX */.CZ) && n.endsWith(EXT)).sort();
        }
        catch (e) {
            if (e.code === 'ENOENT')
                return [];
            throw new StoreError(this.description, 'failed', `cannot list ${this.#dir}: ${describeCause(e)}`, { cause: e });
        }
    }
    /** Reads one fragment; a file deleted meanwhile is skipped when `optional`. */
    async #read(id, optional) {
        try {
            const file = this.#path(id);
            const [text, stat] = await Promise.all([promises_default().readFile(file, 'utf8'), promises_default().stat(file)]);
            return { ...this.#ref(id, stat.mtime), text };
        }
        catch (e) {
            if (e instanceof StoreError)
                throw e;
            if (optional && e.code === 'ENOENT')
                return undefined;
            throw new StoreError(this.description, 'failed', `cannot read fragment ${id}: ${describeCause(e)}`, { cause: e });
        }
    }
}
/** Gives `temp` the name `final` atomically, failing with EEXIST rather than overwriting. */
async function publish(temp, final) {
    try {
        await promises_default().link(temp, final);
    }
    catch (e) {
        const code = e.code;
        if (code === 'EEXIST')
            throw e;
        // file systems without hard links: rename is atomic too, but only checks existence first
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
            if (await promises_default().access(final).then(() => true, () => false))
                throw Object.assign(new Error('exists'), { code: 'EEXIST' });
            await promises_default().rename(temp, final);
            return;
        }
        throw e;
    }
}

;// CONCATENATED MODULE: ./src/store/index.ts
// `store:` input -> a StateStore: `artifact` (default) | `cache` | `file:<directory>`.





const VALID = '"artifact" (the default), "cache" or "file:<directory>"';
function openStore(spec, ctx = {}) {
    const s = spec.trim();
    const scheme = s.toLowerCase();
    if (scheme === '' || scheme === 'artifact')
        return new ArtifactStore({ retentionDays: ctx.retentionDays, rest: ctx.rest });
    if (scheme === 'cache')
        return new CacheStore({ rest: ctx.rest, warn: ctx.warn });
    if (scheme.startsWith('file:')) {
        const dir = s.slice('file:'.length).trim();
        if (!dir)
            throw new errors/* UserError */.y(`store: "${spec}" names no directory: write file:<directory>, e.g. file:/tmp/ci-state.`);
        return new FileStore(dir);
    }
    throw new errors/* UserError */.y(`store: "${spec}" is not a store: use ${VALID}.`);
}

;// CONCATENATED MODULE: ./src/commands/session.ts
// The setup every command but `token` shares: the run's context, the check inputs, the app's
// installation token (masked, refreshed, never stored), one GitHub client, the state store, and
// reading/writing a suite's service data. Inputs are read and checked by readCommonInputs before
// openSession makes any request, so a bad input writes nothing anywhere.











const defaultGetInput = (name) => core/* getInput */.V4(name);
// C0, DEL, C1 and line separators break names and logs (as the service data's parser says).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
function count(getInput, name, fallback, min) {
    const text = getInput(name).trim();
    if (text === '')
        return fallback;
    if (!/^[0-9]+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
        throw new errors/* UserError */.y(`${name} must be a whole number of at least ${min}, not "${text}".`);
    }
    return Number(text);
}
/** Reads and checks the common inputs; no I/O beyond the environment. */
function readCommonInputs(ctx, getInput = defaultGetInput) {
    const suite = getInput('suite').trim() || ctx.workflow.trim();
    if (!suite)
        throw new errors/* UserError */.y('suite is empty and GITHUB_WORKFLOW is not set: give suite, e.g. suite: ci.');
    if (CONTROL.test(suite))
        throw new errors/* UserError */.y('suite must be one line without control characters.');
    const headShaText = getInput('head-sha').trim();
    const headSha = headShaText ? (0,inputs/* parseHeadSha */.gP)(headShaText) : (0,inputs/* defaultHeadSha */.OR)(ctx.eventName, ctx.payload, ctx.sha);
    const nameTemplate = getInput('name-template') || inputs/* DEFAULT_NAME_TEMPLATE */.no;
    if (!nameTemplate.includes('{build}')) {
        throw new errors/* UserError */.y(`name-template "${nameTemplate}" has no {build}: every build's check run needs its own name.`);
    }
    const conclusionName = (getInput('conclusion-name') || '{suite} / CONCLUSION').replace(/\{suite\}/g, suite);
    if (conclusionName.trim() === '' || CONTROL.test(conclusionName)) {
        throw new errors/* UserError */.y('conclusion-name must be a one-line name, e.g. "{suite} / CONCLUSION".');
    }
    const warningAs = (getInput('warning-as').trim().toLowerCase() || 'success');
    if (warningAs !== 'success' && warningAs !== 'failure') {
        throw new errors/* UserError */.y(`warning-as must be success or failure, not "${getInput('warning-as').trim()}".`);
    }
    return {
        suite,
        headSha,
        store: getInput('store').trim() || 'artifact',
        retentionDays: count(getInput, 'state-retention-days', 7, 1),
        nameTemplate,
        failOnUnsynced: (0,inputs/* parseBoolean */.yG)(getInput('fail-on-unsynced'), 'fail-on-unsynced', false),
        failOnCorruptState: (0,inputs/* parseBoolean */.yG)(getInput('fail-on-corrupt-state'), 'fail-on-corrupt-state', false),
        conclusionCheck: (0,inputs/* parseBoolean */.yG)(getInput('conclusion-check'), 'conclusion-check', true),
        conclusionName,
        warningAs,
        aggregateAbove: count(getInput, 'aggregate-above', 100, 0),
        aggregateIntervalSeconds: count(getInput, 'aggregate-interval', 30, 0),
    };
}
/**
 * Mints the installation token and opens the store. Give `inputs` and `app` already read (and
 * any command-specific input checked) so that every input is validated before this first request.
 */
async function openSession(options = {}) {
    const ctx = options.ctx ?? (0,context/* readRunContext */.$)();
    const inputs = options.inputs ?? readCommonInputs(ctx);
    const given = options.app ?? (0,auth_inputs/* readAppInputs */.$j)();
    // Unless permission-* inputs say otherwise, the token may do only what these commands need:
    // write check runs, and (cache store) list the cache entries. The token is never revoked here:
    // a revocation is a DELETE, which GitHub counts against the same 80-a-minute content-creation
    // budget as the check-run mutations; it lives in this process only, masked, for at most an hour.
    const app = given.permissions
        ? given
        : { ...given, permissions: { checks: 'write', ...(inputs.store.trim().toLowerCase() === 'cache' ? { actions: 'read' } : {}) } };
    // The client and the store first (a bad store input fails here), then the token's requests.
    let auth;
    const github = (0,client/* createGitHubClient */.LX)({
        token: () => (auth ? auth.getToken() : Promise.reject(new Error('no installation token yet'))),
        apiUrl: app.apiUrl,
    });
    let remaining;
    let requests = 0;
    github.hook.wrap('request', async (request, o) => {
        requests++;
        try {
            const response = await request(o);
            remaining = headerNumber(response.headers['x-ratelimit-remaining']) ?? remaining;
            return response;
        }
        catch (error) {
            const headers = error.response?.headers;
            remaining = headerNumber(headers?.['x-ratelimit-remaining']) ?? remaining;
            throw error;
        }
    });
    const rest = {
        octokit: github,
        owner: ctx.owner,
        repo: ctx.repo,
    };
    const store = openStore(inputs.store, { retentionDays: inputs.retentionDays, rest, warn: (m) => core/* warning */.$e(m) });
    auth = await (0,app_auth/* createAppAuth */.K)(app); // masks every token it mints
    const step = `${(process.env.GITHUB_ACTION || 'step').slice(0, 40)}-${(0,external_node_crypto_.randomUUID)().slice(0, 8)}`;
    return {
        ctx,
        inputs,
        auth,
        github,
        store,
        key: { repository: ctx.repository, head_sha: inputs.headSha, suite: inputs.suite },
        writer: { run_id: ctx.runId, run_attempt: ctx.runAttempt, job: ctx.job || 'job', step },
        repositoryNodeId: (0,check_runs/* repositoryNodeIdFromEvent */.Qj)(ctx.payload, ctx.repository),
        rateLimitRemaining: () => remaining,
        requestCount: () => requests,
    };
}
function headerNumber(value) {
    const n = Number(Array.isArray(value) ? value[0] : value);
    return value === undefined || value === null || value === '' || !Number.isFinite(n) ? undefined : n;
}
// ---------------------------------------------------------------------------------------------
// The suite's service data
/**
 * The build id under which the CONCLUSION check run's external id is made: a control character
 * can never be in a real build id (buildIdProblem), so it never collides with a build's.
 */
const CONCLUSION_BUILD = '\u0000conclusion';
/** The external_id of the suite's CONCLUSION check run in a generation. */
function conclusionExternalId(key, generation) {
    return (0,service_data/* externalId */.pP)(key, CONCLUSION_BUILD, generation);
}
/**
 * Reads every fragment of the suite and joins them. A corrupt or newer-version fragment is set
 * aside with a warning (or fails the step with fail-on-corrupt-state); a store that cannot be
 * read is a warning. In either case, or when an expected build has no record, the records are
 * rebuilt from the app's check runs on the commit (one listing, by external_id).
 */
async function readSuite(session, key = session.key, options = {}) {
    const result = { data: (0,service_data/* mergeAll */.Um)(key, []), setAside: [], rebuilt: [] };
    const documents = [];
    try {
        for (const fragment of await session.store.readFragments(key)) {
            const id = fragment.name ?? fragment.id;
            try {
                const data = (0,service_data/* parseServiceData */.DK)(fragment.text);
                if (!(0,service_data/* sameSuite */.Xz)(data, key))
                    throw new service_data/* CorruptStateError */.z6('it belongs to another suite', 'suite-mismatch');
                documents.push(data);
            }
            catch (error) {
                if (!(error instanceof service_data/* CorruptStateError */.z6))
                    throw error;
                result.setAside.push({ id, reason: error.message });
            }
        }
    }
    catch (error) {
        result.readError = error instanceof Error ? error.message : String(error);
        core/* warning */.$e(`The state could not be read (${result.readError}). Going on with what GitHub shows: ` +
            'the builds this step reports are looked up by their check runs.');
    }
    for (const { id, reason } of result.setAside) {
        const message = `State fragment ${id} is unusable and was set aside (left in the store, not merged): ${reason}.`;
        if (session.inputs.failOnCorruptState) {
            throw new errors/* UserError */.y(`${message} fail-on-corrupt-state is true, so the step stops here; delete the fragment or set it to false to rebuild from GitHub.`);
        }
        core/* warning */.$e(`${message} Its builds are rebuilt from GitHub's check runs.`);
    }
    result.data = (0,service_data/* mergeAll */.Um)(key, documents);
    const missing = (options.expect ?? []).filter((b) => !(0,service_data/* recordOf */.zv)(result.data, b));
    if (result.readError !== undefined || result.setAside.length > 0 || missing.length > 0) {
        await rebuildFromGitHub(session, key, result, options.expect ?? []);
    }
    return result;
}
/** GitHub's status as a build state. */
function stateOf(run) {
    return run.status === 'queued' ? 'queued' : run.status === 'in_progress' ? 'building' : 'built';
}
/**
 * Adds records made from the app's check runs of this suite to `result.data`. Reported builds
 * are matched by build key; other runs of the suite are added under their build key (the build
 * id itself for plain ids) so the conclusion still counts them. Rebuilt records carry the epoch
 * as updated_at, so any record a fragment holds for the same (generation, state) wins.
 */
async function rebuildFromGitHub(session, key, result, reported) {
    let runs;
    try {
        runs = await (0,check_runs/* listCheckRuns */.lo)(session.github, {
            owner: session.ctx.owner,
            repo: session.ctx.repo,
            headSha: key.head_sha,
            appId: session.auth.appId,
        });
    }
    catch (error) {
        core/* warning */.$e(`Could not list the check runs on ${key.head_sha} to rebuild the state: ${(0,client/* githubMessage */.hg)(error)}.`);
        return;
    }
    const hash = (0,service_data/* suiteHash */.fC)(key);
    const conclusionKey = (0,service_data/* buildKey */.sI)(CONCLUSION_BUILD);
    const idsByKey = new Map();
    for (const id of Object.keys(result.data.check_runs))
        idsByKey.set((0,service_data/* buildKey */.sI)(id), id);
    for (const build of reported)
        idsByKey.set((0,service_data/* buildKey */.sI)(build), build);
    const newest = new Map();
    for (const run of runs) {
        const parsed = (0,service_data/* parseExternalId */.Wt)(run.external_id);
        if (!parsed || parsed.suite_hash !== hash)
            continue;
        const had = newest.get(parsed.build_key);
        if (!had || run.id > had.run.id)
            newest.set(parsed.build_key, { run, generation: parsed.generation });
    }
    const epoch = new Date(0).toISOString();
    const rebuilt = (0,service_data/* mergeAll */.Um)(key, []);
    for (const [bk, { run, generation }] of newest) {
        if (bk === conclusionKey) {
            const state = stateOf(run);
            const record = {
                check_run_id: run.id,
                node_id: run.node_id,
                state: state === 'queued' ? 'building' : state,
                generation: Math.max(1, generation),
                state_synced: true,
                updated_at: epoch,
            };
            if (state === 'built')
                record.conclusion = run.conclusion === 'success' ? 'success' : 'failure';
            rebuilt.conclusion_run = record;
            continue;
        }
        const id = idsByKey.get(bk) ?? bk;
        const record = {
            name: run.name,
            state: stateOf(run),
            generation,
            check_run_id: run.id,
            node_id: run.node_id,
            state_synced: true,
            updated_at: epoch,
        };
        if (record.state === 'built')
            record.conclusion = run.conclusion ?? 'neutral';
        (0,service_data/* setOwn */.P5)(rebuilt.check_runs, id, record);
        result.rebuilt.push(id);
    }
    result.data = (0,service_data/* mergeServiceData */.g0)(result.data, rebuilt);
    if (result.rebuilt.length > 0) {
        core/* info */.pq(`Rebuilt ${result.rebuilt.length} build record(s) of suite "${key.suite}" from GitHub's check runs.`);
    }
}
/**
 * Writes this step's fragment (only what it touched; the join does the rest). One retry under a
 * new name, since a failed upload may have left its name taken. A failure warns; the caller
 * fails the step only with fail-on-unsynced.
 */
async function writeSuite(session, key, fragment) {
    const text = (0,service_data/* serializeServiceData */.O4)(fragment);
    let lastError = '';
    for (let attempt = 0; attempt < 2; attempt++) {
        const writer = attempt === 0 ? session.writer : { ...session.writer, step: `${session.writer.step}-r${attempt}` };
        try {
            await session.store.writeFragment(key, text, writer);
            return { saved: true };
        }
        catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
        }
    }
    const warning = `The state could not be saved (${lastError}). The check runs on GitHub are up to date; later steps ` +
        'rebuild what they need from them, and anything unsynced is left for reconcile to find.';
    core/* warning */.$e(warning);
    return { saved: false, warning };
}


/***/ }),

/***/ 40788:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ readRunContext)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
// The workflow run this step belongs to, read once from the runner's environment.


function readPayload(file) {
    if (!file || !node_fs__WEBPACK_IMPORTED_MODULE_0___default().existsSync(file))
        return {};
    try {
        return JSON.parse(node_fs__WEBPACK_IMPORTED_MODULE_0___default().readFileSync(file, 'utf8'));
    }
    catch {
        return {};
    }
}
function readRunContext(env = process.env) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    const [owner, repo] = repository.split('/');
    if (!owner || !repo) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .y('GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow.');
    }
    const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const runId = Number(env.GITHUB_RUN_ID ?? 0);
    const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? 1) || 1;
    return {
        owner,
        repo,
        repository,
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        eventName: env.GITHUB_EVENT_NAME ?? '',
        payload: readPayload(env.GITHUB_EVENT_PATH),
        workflow: env.GITHUB_WORKFLOW ?? '',
        runId,
        runAttempt,
        job: env.GITHUB_JOB ?? '',
        serverUrl,
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        runUrl: `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${runAttempt}`,
    };
}


/***/ }),

/***/ 2842:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J3: () => (/* binding */ createAndUpdateCheckRuns),
/* harmony export */   Qj: () => (/* binding */ repositoryNodeIdFromEvent),
/* harmony export */   We: () => (/* binding */ repositoryNodeId),
/* harmony export */   jg: () => (/* binding */ ANNOTATIONS_PER_REQUEST),
/* harmony export */   lo: () => (/* binding */ listCheckRuns)
/* harmony export */ });
/* unused harmony exports MAX_MUTATIONS_PER_REQUEST, MIN_MS_BETWEEN_REQUESTS, MUTATIONS_PER_MINUTE, mutationDocument, findCheckRunsByExternalId */
/** brep measured 502s from GitHub for 40–60 mutations per request and missing runs above 60. */
const MAX_MUTATIONS_PER_REQUEST = 34;
const MIN_MS_BETWEEN_REQUESTS = 1000;
/**
 * GitHub's secondary limit: 80 content-creating requests a minute per installation, each
 * mutation counting. One step never sends more within a rolling minute; tests that raise the
 * emulator's limit raise this with GITHUB_APP_CI_MUTATIONS_PER_MINUTE.
 */
const MUTATIONS_PER_MINUTE = 80;
/** GitHub takes at most 50 annotations per request; further updates append. */
const ANNOTATIONS_PER_REQUEST = 50;
function mutationsPerMinute(options, env = process.env) {
    const fromEnv = Number(env.GITHUB_APP_CI_MUTATIONS_PER_MINUTE);
    return options.mutationsPerMinute ?? (fromEnv > 0 ? fromEnv : MUTATIONS_PER_MINUTE);
}
// When the last mutation request ended, per client, so the gap holds across calls too.
const lastMutationAt = new WeakMap();
// Mutations sent in the last minute, per client: [time sent, how many].
const sentMutations = new WeakMap();
/**
 * Waits until `count` more mutations fit in the rolling minute's budget, then books them. The
 * caller stamps the booking again when the request ends: the client may hold it back first.
 */
async function bookMutations(octokit, count, perMinute, windowMs) {
    const sent = sentMutations.get(octokit) ?? [];
    sentMutations.set(octokit, sent);
    for (;;) {
        const now = Date.now();
        while (sent.length && sent[0][0] <= now - windowMs)
            sent.shift();
        const used = sent.reduce((sum, [, n]) => sum + n, 0);
        // A single request larger than the budget goes alone once the minute is clear.
        if (used + count <= perMinute || used === 0)
            break;
        await new Promise((resolve) => setTimeout(resolve, sent[0][0] + windowMs - now));
    }
    const booking = [Date.now(), count];
    sent.push(booking);
    return booking;
}
/**
 * Creates and updates check runs, many per GraphQL request. Annotations beyond the first 50 of
 * an item go in later rounds of `updateCheckRun` (GitHub appends them), after the run exists.
 * Never throws for a GitHub failure: each item gets its own result.
 */
async function createAndUpdateCheckRuns(octokit, options) {
    const { repositoryNodeId, headSha, items } = options;
    const perRequest = Math.max(1, Math.min(options.maxPerRequest ?? MAX_MUTATIONS_PER_REQUEST, MAX_MUTATIONS_PER_REQUEST));
    const gapMs = options.minMsBetweenRequests ?? MIN_MS_BETWEEN_REQUESTS;
    const perMinute = mutationsPerMinute(options);
    const results = items.map(() => undefined);
    const annotationBatches = items.map((item) => chunk(remainingAnnotations(item), ANNOTATIONS_PER_REQUEST));
    // Round 0 creates/updates every run with its first 50 annotations; round k appends batch k.
    const rounds = Math.max(1, ...annotationBatches.map((b) => b.length));
    for (let round = 0; round < rounds; round++) {
        const mutations = [];
        items.forEach((item, i) => {
            const annotations = annotationBatches[i][round];
            if (round === 0) {
                mutations.push(firstMutation(item, i, repositoryNodeId, headSha, annotations));
                return;
            }
            const done = results[i];
            if (!annotations || !done?.ok || !item.output)
                return;
            mutations.push({
                item: i,
                field: 'updateCheckRun',
                input: {
                    checkRunId: done.node_id,
                    repositoryId: repositoryNodeId,
                    output: outputInput({ ...item.output, annotations }),
                },
            });
        });
        for (const part of chunk(mutations, perRequest)) {
            const booking = await bookMutations(octokit, part.length, perMinute, options.mutationWindowMs ?? 60_000);
            const replies = await sendMutations(octokit, part, gapMs);
            booking[0] = Date.now();
            part.forEach((m, k) => {
                const reply = replies[k];
                if (round === 0) {
                    results[m.item] = reply;
                }
                else if (!reply.ok) {
                    const done = results[m.item];
                    if (done?.ok)
                        done.warning ??= `some annotations were not added: ${reply.error}`;
                }
            });
        }
    }
    return results.map((r) => r ?? { ok: false, maybeWritten: false, error: 'not sent' });
}
function remainingAnnotations(item) {
    return item.output?.annotations?.slice(item.annotations_sent ?? 0) ?? [];
}
function firstMutation(item, i, repositoryNodeId, headSha, annotations) {
    const input = {
        repositoryId: repositoryNodeId,
        name: item.name,
        status: item.status?.toUpperCase(),
        conclusion: item.conclusion?.toUpperCase(),
        externalId: item.external_id,
        detailsUrl: item.details_url,
        startedAt: item.started_at,
        completedAt: item.completed_at,
        output: item.output && outputInput({ ...item.output, annotations }),
    };
    if (item.kind === 'create') {
        return { item: i, field: 'createCheckRun', input: { ...input, headSha } };
    }
    return { item: i, field: 'updateCheckRun', input: { ...input, checkRunId: item.node_id } };
}
function outputInput(output) {
    return {
        title: output.title,
        summary: output.summary,
        text: output.text,
        annotations: output.annotations?.length ? output.annotations.map(annotationInput) : undefined,
    };
}
function annotationInput(a) {
    // GitHub accepts columns only on a one-line annotation; elsewhere they fail the whole mutation.
    const oneLine = a.start_line === a.end_line;
    return {
        path: a.path,
        location: {
            startLine: a.start_line,
            endLine: a.end_line,
            startColumn: oneLine ? a.start_column : undefined,
            endColumn: oneLine ? a.end_column : undefined,
        },
        annotationLevel: a.annotation_level.toUpperCase(),
        message: a.message,
        title: a.title,
        rawDetails: a.raw_details,
    };
}
/** One GraphQL request: aliases cr0…, every value a variable ($i0…). */
function mutationDocument(fields) {
    const params = fields.map((f, k) => `$i${k}: ${f === 'createCheckRun' ? 'Create' : 'Update'}CheckRunInput!`);
    const body = fields.map((f, k) => `  cr${k}: ${f}(input: $i${k}) { checkRun { id databaseId url } }`);
    return `mutation CheckRuns(${params.join(', ')}) {\n${body.join('\n')}\n}`;
}
async function sendMutations(octokit, mutations, gapMs) {
    const wait = (lastMutationAt.get(octokit) ?? 0) + gapMs - Date.now();
    if (wait > 0)
        await new Promise((resolve) => setTimeout(resolve, wait));
    const variables = {};
    mutations.forEach((m, k) => (variables[`i${k}`] = m.input));
    // Creates and appended annotations are not idempotent: a blind retry after a 502 that was in
    // fact written (brep saw exactly that) duplicates them. The caller adopts by external_id instead.
    const idempotent = mutations.every((m) => m.field === 'updateCheckRun' && !m.input.output?.annotations);
    let data;
    let errors = [];
    try {
        data = await octokit.graphql(mutationDocument(mutations.map((m) => m.field)), {
            ...variables,
            ...(idempotent ? {} : { request: { retries: 0 } }),
        });
    }
    catch (error) {
        const partial = graphqlErrors(error);
        if (!partial) {
            const message = describe(error);
            const maybeWritten = mayHaveReachedGitHub(error);
            return mutations.map(() => ({ ok: false, maybeWritten, error: message }));
        }
        data = partial.data;
        errors = partial.errors;
    }
    finally {
        lastMutationAt.set(octokit, Date.now());
    }
    return mutations.map((_, k) => {
        const run = data?.[`cr${k}`]?.checkRun;
        if (run?.databaseId != null)
            return { ok: true, check_run_id: run.databaseId, node_id: run.id, url: run.url };
        const own = errors.filter((e) => e.path?.[0] === `cr${k}`);
        const message = (own.length ? own : errors).map((e) => e.message).join('; ') || 'no check run in the reply';
        // An error naming this alias means GitHub refused this mutation; anything else is unknown.
        return { ok: false, maybeWritten: own.length === 0, error: message };
    });
}
function graphqlErrors(error) {
    if (error instanceof Error && error.name === 'GraphqlResponseError' && 'errors' in error) {
        const e = error;
        return { data: e.data, errors: e.errors ?? [] };
    }
    return undefined;
}
/** 4xx: GitHub refused the request. 5xx, a network error or no reply: it may have been written. */
function mayHaveReachedGitHub(error) {
    const status = error?.status;
    if (typeof status !== 'number')
        return true;
    // @octokit/request reports a network failure (no HTTP reply) as status 500.
    return status >= 500 || status < 400;
}
function describe(error) {
    const status = error?.status;
    const message = error instanceof Error ? error.message : String(error);
    return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}
function chunk(list, size) {
    const out = [];
    for (let i = 0; i < list.length; i += size)
        out.push(list.slice(i, i + size));
    return out;
}
/**
 * The repository's GraphQL node id from the workflow's event payload, when the event carries the
 * repository (most do; `schedule` does not). GITHUB_REPOSITORY_ID is the numeric id, and GitHub
 * documents node ids as opaque, so it is not converted.
 */
function repositoryNodeIdFromEvent(payload, fullName) {
    const repository = payload.repository;
    if (typeof repository?.node_id !== 'string' || !repository.node_id)
        return undefined;
    if (typeof repository.full_name === 'string' && repository.full_name.toLowerCase() !== fullName.toLowerCase()) {
        return undefined;
    }
    return repository.node_id;
}
/**
 * One REST read; call only when the event payload did not carry the node id. (REST, not a
 * GraphQL query: the throttling plugin spaces every GraphQL request like a write, 1 s apart.)
 */
async function repositoryNodeId(octokit, owner, repo) {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    return data.node_id;
}
/** The commit's check runs (all of them, not only the latest per name), 100 a page. */
async function listCheckRuns(octokit, options) {
    const runs = await octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        owner: options.owner,
        repo: options.repo,
        ref: options.headSha,
        filter: 'all',
        per_page: 100,
        ...(options.appId ? { app_id: options.appId } : {}),
    });
    return runs.map((r) => ({
        id: r.id,
        node_id: r.node_id,
        name: r.name,
        external_id: r.external_id,
        status: r.status,
        conclusion: r.conclusion,
        html_url: r.html_url,
    }));
}
/**
 * external_id → the run carrying it (the newest, should a duplicate exist), for the ids asked
 * for. Used to adopt a run whose creation reply was lost instead of creating a duplicate.
 */
async function findCheckRunsByExternalId(octokit, options) {
    const wanted = new Set(options.externalIds);
    const found = new Map();
    if (wanted.size === 0)
        return found;
    for (const r of await listCheckRuns(octokit, options)) {
        if (r.external_id === null || !wanted.has(r.external_id))
            continue;
        if ((found.get(r.external_id)?.id ?? 0) > r.id)
            continue;
        const { id, node_id, status, conclusion, html_url } = r;
        found.set(r.external_id, { id, node_id, status, conclusion, html_url });
    }
    return found;
}


/***/ }),

/***/ 27897:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CZ: () => (/* binding */ FRAGMENT_PREFIX),
/* harmony export */   Gp: () => (/* binding */ fragmentName),
/* harmony export */   XS: () => (/* binding */ suitePrefix),
/* harmony export */   cM: () => (/* binding */ suiteHashOf),
/* harmony export */   fC: () => (/* binding */ suiteHash)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// Fragment names: `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`. The suite hash is a
// fixed-length prefix readers filter on; run, attempt, job and step make each writer's name unique.

const FRAGMENT_PREFIX = 'github-app-ci-';
const HASH_LENGTH = 16;
/** A stable hash of (repository, head sha, suite); repository and sha compare case-insensitively. */
function suiteHash(key) {
    const text = JSON.stringify([key.repository.toLowerCase(), key.head_sha.toLowerCase(), key.suite]);
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}
/** Every fragment name of this suite starts with this. */
function suitePrefix(key) {
    return `${FRAGMENT_PREFIX}${suiteHash(key)}-`;
}
// Artifact names forbid " : < > | * ? \ / and cache keys forbid commas: keep a safe alphabet.
const safe = (s) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);
function fragmentName(key, w) {
    return `${suitePrefix(key)}${w.run_id}-${w.run_attempt}-${safe(w.job)}-${safe(w.step)}`;
}
/** The suite hash encoded in a fragment name, or undefined if the name is not a fragment's. */
function suiteHashOf(name) {
    const m = new RegExp(`^${FRAGMENT_PREFIX}([0-9a-f]{${HASH_LENGTH}})-`).exec(name);
    return m?.[1];
}


/***/ }),

/***/ 41658:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ mapLimit)
/* harmony export */ });
/** Runs `fn` over `items`, a few at a time (stores read many small fragments), keeping the order. */
async function mapLimit(items, fn, limit = 8) {
    const out = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}


/***/ })

};
