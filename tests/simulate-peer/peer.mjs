// The peer of tests/it/simulate_peer.rs: @cloud-copilot/iam-simulate (a test oracle only, never
// shipped or linked) decides the same requests as `policy_sentry simulate --requests`.
//
// usage: POLICY_SENTRY_SIMULATE_PEER=DIR node peer.mjs BATCH.json
//   DIR: where `npm ci` installed this folder's package.json (tests/simulate-peer/install).
//   BATCH.json: {"scenarios": [{"name": "...", "policies": POLICIES, "requests": "FILE.jsonl"}]}
//   POLICIES: {"identity": [FILE...], "resource": FILE?, "scp": [LEVEL...], "rcp": [LEVEL...],
//              "boundary": FILE?, "session": FILE?}; a LEVEL of the organization (root first,
//              account last; every level must allow) is a FILE or a list of the FILEs attached
//              there.
//   Paths are relative to BATCH.json's folder. Request lines as `simulate --requests` reads them.
// Prints one JSON line per request, scenario after scenario, in order:
//   {"scenario": NAME, "line": N, "decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied",
//    "ignored_context_keys": [...]}   or   {"scenario": NAME, "line": N, "error": "..."}
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const peerDir = process.env.POLICY_SENTRY_SIMULATE_PEER
if (!peerDir || process.argv.length !== 3) {
  console.error('usage: POLICY_SENTRY_SIMULATE_PEER=DIR node peer.mjs BATCH.json')
  process.exit(2)
}
const require = createRequire(join(resolve(peerDir), 'package.json'))
const { runSimulation } = require('@cloud-copilot/iam-simulate')

const batchPath = resolve(process.argv[2])
const base = dirname(batchPath)
const parsed = new Map() // a policy file is read once, however many requests use it
function readJson(file) {
  const path = resolve(base, file)
  if (!parsed.has(path)) parsed.set(path, JSON.parse(readFileSync(path, 'utf8')))
  return parsed.get(path)
}
const named = (file) => ({ name: file, policy: readJson(file) })
// A level of the organization (root, OUs, account): a file, or a list of the files attached
// there.
const levels = (list) =>
  (list ?? []).map((level, i) => ({
    orgIdentifier: `level-${i}`,
    policies: [level].flat().map(named)
  }))

// `resource_account` as `simulate` defaults it: the resource ARN's account, else the principal's.
function resourceAccount(line) {
  if (line.resource_account) return line.resource_account
  const fromResource = (line.resource ?? '').split(':')[4]
  if (fromResource) return fromResource
  return (line.principal ?? '').split(':')[4] ?? ''
}

function simulation(policies, line) {
  return {
    request: {
      principal: line.principal,
      action: line.action,
      resource: { resource: line.resource, accountId: resourceAccount(line) },
      contextVariables: line.context ?? {}
    },
    identityPolicies: (policies.identity ?? []).map(named),
    serviceControlPolicies: levels(policies.scp),
    resourceControlPolicies: levels(policies.rcp),
    resourcePolicy: policies.resource ? readJson(policies.resource) : undefined,
    permissionBoundaryPolicies: policies.boundary ? [named(policies.boundary)] : undefined,
    sessionPolicy: policies.session ? readJson(policies.session) : undefined
  }
}

async function decide(policies, line) {
  const result = await runSimulation(simulation(policies, line), { simulationMode: 'Strict' })
  if (result.resultType === 'error') {
    return { error: JSON.stringify(result.errors) }
  }
  const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : []
  return { decision: result.overallResult, ignored_context_keys: ignored }
}

const out = []
for (const scenario of readJson(batchPath).scenarios) {
  const lines = readFileSync(resolve(base, scenario.requests), 'utf8').split('\n')
  let number = 0
  for (const text of lines) {
    number += 1
    if (text.trim() === '') continue
    let answer
    try {
      answer = await decide(scenario.policies, JSON.parse(text))
    } catch (e) {
      answer = { error: `peer threw: ${e.message}` }
    }
    out.push(JSON.stringify({ scenario: scenario.name, line: number, ...answer }))
    if (out.length >= 1000) process.stdout.write(out.splice(0).join('\n') + '\n')
  }
}
if (out.length) process.stdout.write(out.join('\n') + '\n')
