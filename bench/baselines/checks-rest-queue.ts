// Baseline for bench (2): queue builds the checks-action way, one REST request per check run
// (POST /repos/{owner}/{repo}/check-runs) with @actions/github's Octokit, one after another.
import * as core from '@actions/core'
import * as github from '@actions/github'

const [owner, repo] = process.env.GITHUB_REPOSITORY!.split('/') as [string, string]
const octokit = github.getOctokit(core.getInput('token'))
const builds = JSON.parse(core.getInput('builds')) as string[]
for (const build of builds) {
  await octokit.rest.checks.create({
    owner, repo, head_sha: process.env.GITHUB_SHA!, name: `ci / ${build}`, status: 'queued', external_id: build,
  })
}
core.info(`${builds.length} check run(s) queued.`)
