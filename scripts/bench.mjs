#!/usr/bin/env node
// npm run bench: every figure measured side by side in one run, against its baseline, on a real
// install (`limena seed-demo` on the embedded PostgreSQL, `limena serve`). Prints a table and
// writes docs/benchmarks.md. Not part of the test run. Loopback only; every load is bounded.
//   BENCH_AUDIT_ROWS (default 5000000), BENCH_TENANTS (1000), BENCH_SECONDS per load (10).
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import argon2 from 'argon2'
import autocannon from 'autocannon'
import pg from 'pg'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const limena = join(root, 'bin/limena.js')
const auditRows = Number(process.env.BENCH_AUDIT_ROWS ?? 5_000_000)
const tenants = Number(process.env.BENCH_TENANTS ?? 1000)
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const env = { ...process.env, LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn', LIMENA_RATE_LIMIT_PER_MINUTE: '0' }
const run = promisify(execFile)
const rows = []
// Servers this run started: stopped on any exit, so a failed run leaves none behind.
const servers = new Set()
process.on('exit', () => servers.forEach((child) => child.kill('SIGTERM')))
const log = (line) => process.stderr.write(`bench: ${line}\n`)

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const elapsedMs = (started) => Number(process.hrtime.bigint() - started) / 1e6

/**
 * Times actions in turn, one after the other, `times` rounds: each round runs every action once,
 * so a pause of the machine falls on all of them alike rather than on whichever ran then.
 */
async function timedInTurn(times, actions) {
  const samples = actions.map(() => [])
  for (let round = 0; round < times; round += 1) {
    for (const [index, action] of actions.entries()) {
      const started = process.hrtime.bigint()
      await action()
      samples[index].push(elapsedMs(started))
    }
  }
  return samples.map((values) => ({ p50: percentile(values, 50), p95: percentile(values, 95) }))
}

/** Starts a server process that prints "listening on URL"; it is stopped when the run exits. */
function startServer(args, childEnv) {
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] })
  servers.add(child)
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening on (\S+)/.exec(output)
      if (match) resolve({ child, url: match[1] })
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)))
  })
}

const serve = (dataDir, extraEnv = {}) => startServer([limena, 'serve', '--data-dir', dataDir, '--port', '0'], { ...env, ...extraEnv })

async function peakRss(pid) {
  return Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))[1]) * 1024
}

async function api(url, method, path, { token, body, csrf, headers = {} } = {}) {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(csrf ? { 'x-csrf-token': csrf, cookie: `csrf=${csrf}` } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers }
}

function cannon(options) {
  return new Promise((resolve, reject) =>
    autocannon({ duration: seconds, ...options }, (error, result) => (error ? reject(error) : resolve(result))),
  )
}

/** autocannon, keeping every response time, for percentiles it does not report (p95). */
function cannonWithLatencies(options) {
  const latencies = []
  return new Promise((resolve, reject) => {
    const instance = autocannon({ duration: seconds, ...options }, (error, result) =>
      error ? reject(error) : resolve({ result, latencies }),
    )
    instance.on('response', (_client, _status, _bytes, milliseconds) => latencies.push(milliseconds))
  })
}

/** POSTs `body` at a steady `perSecond`, each request sent on schedule whatever the others do. */
async function steadyLoad({ url, body, perSecond }) {
  const latencies = []
  let failed = 0
  const started = performance.now()
  const pending = []
  for (let index = 0; index < perSecond * seconds; index += 1) {
    const due = started + (index * 1000) / perSecond
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()))
    const sent = process.hrtime.bigint()
    pending.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (response) => {
        await response.arrayBuffer()
        if (response.ok) latencies.push(elapsedMs(sent))
        else failed += 1
      }),
    )
  }
  await Promise.all(pending)
  return { latencies, failed }
}

async function startBareServer(databaseUrl, tenantId) {
  const started = await startServer([join(root, 'scripts/bench-bare-server.mjs')], {
    ...process.env,
    BARE_DATABASE_URL: databaseUrl,
    BARE_TENANT_ID: tenantId,
  })
  return { child: started.child, url: `${started.url}/members` }
}

/** Newlines in a chunk, counted natively: the reader's cost must not be billed to the export. */
function countNewlines(chunk) {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  let count = 0
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count += 1
  return count
}

/** Argon2id verifications per second of a stored hash, `concurrency` at a time. */
async function measureHashing(hash, concurrency) {
  let done = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await argon2.verify(hash, 'limena-demo-password')
        done += 1
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  return { perSecond: done / elapsed, milliseconds: (elapsed * 1000 * concurrency) / done }
}

// BENCH_DATA_DIR keeps the seeded install for the next run, which then skips seeding (for working
// on one figure; its logins and exports add audit rows, so published figures come from a fresh seed,
// or from a copy of the data directory taken before any run measured it).
const dataDir = process.env.BENCH_DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'limena-bench-')))
const seedRecordPath = join(dataDir, 'bench-seed.json')
const seedRecord = await readFile(seedRecordPath, 'utf8').then(JSON.parse, () => null)
const reused = seedRecord?.tenants === tenants && seedRecord?.auditRows === auditRows
if (!reused) {
  log(`seeding ${tenants} tenants and ${auditRows.toLocaleString('en')} audit rows in ${dataDir} (this takes a few minutes)`)
  const seedStarted = Date.now()
  await run(
    process.execPath,
    [limena, 'seed-demo', '--data-dir', dataDir, '--tenants', String(tenants), '--audit-rows', String(auditRows)],
    { env, maxBuffer: 1 << 20 },
  )
  const operatorCreated = spawn(
    process.execPath,
    [limena, 'create-operator', '--data-dir', dataDir, '--email', 'bench@limena.example', '--password-stdin'],
    { env, stdio: ['pipe', 'ignore', 'inherit'] },
  )
  operatorCreated.stdin.end('bench operator password')
  await once(operatorCreated, 'exit')
  await writeFile(seedRecordPath, JSON.stringify({ tenants, auditRows, seconds: (Date.now() - seedStarted) / 1000, measured: false }))
}
const seedSeconds = reused ? seedRecord.seconds : JSON.parse(await readFile(seedRecordPath, 'utf8')).seconds
// A seed no run has measured yet (a copy kept before measuring) has none of a run's logins and
// exports in its audit log: its figures are a fresh seed's. Marked before the first request.
const measuredBefore = reused && seedRecord.measured !== false
await writeFile(seedRecordPath, JSON.stringify({ tenants, auditRows, seconds: seedSeconds, measured: true }))

const server = await serve(dataDir)
const secrets = JSON.parse(Object.values(JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')))[0])
const port = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[3])
const adminUrl = `postgresql://postgres:${encodeURIComponent(secrets.databasePasswords.embeddedSuperuser)}@127.0.0.1:${port}/limena`
const appUrl = `postgresql://limena_app:${encodeURIComponent(secrets.databasePasswords.app)}@127.0.0.1:${port}/limena`
const admin = new pg.Client({ connectionString: adminUrl })
admin.on('error', () => undefined)
await admin.connect()
const version = (await admin.query('SHOW server_version')).rows[0].server_version

// The busiest tenant and its owner (demo users share the demo password).
const busiest = (
  await admin.query('SELECT tenant_id, count(*)::int AS n FROM limena.audit_logs GROUP BY tenant_id ORDER BY n DESC LIMIT 1')
).rows[0]
const ownerEmail = (
  await admin.query(
    "SELECT u.email FROM limena.users u JOIN limena.memberships m ON m.user_id = u.id WHERE m.tenant_id = $1 AND m.role = 'owner' LIMIT 1",
    [busiest.tenant_id],
  )
).rows[0].email
const login = await api(server.url, 'POST', '/auth/login', { body: { email: ownerEmail, password: 'limena-demo-password' } })
const token = login.body.accessToken
const tenantId = busiest.tenant_id
log(`tenant ${tenantId} has ${busiest.n} audit rows`)

// ---- 1. Audit search -------------------------------------------------------------------------
const pageSize = 50
const depth = Math.min(busiest.n - pageSize - 1, 4000)
let cursor = null
for (let walked = 0; walked < depth; walked += 200) {
  const page = await api(
    server.url,
    'GET',
    `/tenants/${tenantId}/audit-logs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    { token },
  )
  cursor = page.body.nextCursor
}
const deepCursorPosition = await admin.query(
  `SELECT at::text AS at, id FROM limena.audit_logs WHERE tenant_id = $1 ORDER BY at DESC, id DESC OFFSET $2 LIMIT 1`,
  [tenantId, depth - 1],
)
const appPool = new pg.Pool({ connectionString: appUrl, max: 10, options: '-c search_path=limena' })
appPool.on('error', () => undefined)
const columns =
  'id, tenant_id, at, seq, action, actor_type, actor_id, actor_name, target_type, target_id, target_name, host(ip) AS ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash'
async function bare(sql, params) {
  const client = await appPool.connect()
  try {
    await client.query('BEGIN READ ONLY')
    await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantId])
    const result = await client.query(sql, params)
    await client.query('COMMIT')
    return result
  } finally {
    client.release()
  }
}
const searches = [
  [
    'first page',
    `/tenants/${tenantId}/audit-logs?limit=${pageSize}`,
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 ORDER BY at DESC, id DESC LIMIT ${pageSize + 1}`,
    [tenantId],
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 ORDER BY at DESC, id DESC OFFSET 0 LIMIT ${pageSize}`,
  ],
  [
    `page at row ${depth} (cursor)`,
    `/tenants/${tenantId}/audit-logs?limit=${pageSize}&cursor=${encodeURIComponent(cursor)}`,
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 AND (at, id) < ($2::timestamptz, $3::bigint) ORDER BY at DESC, id DESC LIMIT ${pageSize + 1}`,
    [tenantId, deepCursorPosition.rows[0].at, deepCursorPosition.rows[0].id],
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 ORDER BY at DESC, id DESC OFFSET ${depth} LIMIT ${pageSize}`,
  ],
  [
    'filtered (action)',
    `/tenants/${tenantId}/audit-logs?limit=${pageSize}&action=auth.login`,
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 AND action = 'auth.login' ORDER BY at DESC, id DESC LIMIT ${pageSize + 1}`,
    [tenantId],
    null,
  ],
  [
    'text search (q)',
    `/tenants/${tenantId}/audit-logs?limit=${pageSize}&q=warehouse`,
    `SELECT ${columns} FROM audit_logs WHERE tenant_id = $1 AND search_text LIKE '%warehouse%' ORDER BY at DESC, id DESC LIMIT ${pageSize + 1}`,
    [tenantId],
    null,
  ],
]
for (const [label, path, sql, params, offsetSql] of searches) {
  const offsetParams = offsetSql ? [tenantId] : null
  const actions = [
    () => api(server.url, 'GET', path, { token }),
    () => bare(sql, params),
    ...(offsetSql ? [() => bare(offsetSql, offsetParams)] : []),
  ]
  await timedInTurn(100, actions)
  const [viaApi, bareSql, offset = null] = await timedInTurn(1000, actions)
  rows.push({
    figure: `audit search, ${label}`,
    measured: `API p50 ${viaApi.p50.toFixed(2)} ms, p95 ${viaApi.p95.toFixed(2)} ms`,
    baseline: `bare SQL p50 ${bareSql.p50.toFixed(2)} ms, p95 ${bareSql.p95.toFixed(2)} ms${offset ? `; OFFSET p95 ${offset.p95.toFixed(2)} ms` : ''}`,
    ratio: `${(viaApi.p95 / bareSql.p95).toFixed(2)}× bare p95${offset ? `; bare OFFSET p95 is ${(offset.p95 / viaApi.p95).toFixed(2)}× the API's` : ''}`,
    target:
      label.startsWith('page at') || label === 'first page'
        ? `p95 ≤ 3× bare and < 10 ms: ${viaApi.p95 <= 3 * bareSql.p95 && viaApi.p95 < 10 ? 'met' : 'NOT met'}`
        : '—',
  })
}

// ---- 2. CSV export -----------------------------------------------------------------------------
const exportFrom = (
  await admin.query(`SELECT at FROM limena.audit_logs ORDER BY at DESC OFFSET ${Math.min(1_000_000, auditRows) - 1} LIMIT 1`)
).rows[0].at.toISOString()
const operatorLogin = await api(server.url, 'POST', '/auth/login', {
  body: { email: 'bench@limena.example', password: 'bench operator password' },
})
// The same cells the server's export writes (src/server/audit/audit-repository.ts): every cell
// quoted, formula guards at the start and after a `;`, so both sides produce the same bytes.
const guarded = (text) =>
  `limena.csv_safe(CASE WHEN strpos(${text}, ';') > 0 THEN regexp_replace(${text}, ';(?=[=+@\\t\\r-])', ';''', 'g') ELSE ${text} END)`
const copyCells = [
  'id::text',
  `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  'tenant_id::text',
  guarded('action'),
  'actor_type::text',
  'actor_id::text',
  guarded('actor_name'),
  guarded('target_type'),
  guarded('target_id'),
  guarded('target_name'),
  'host(ip)',
  guarded('user_agent'),
  guarded('request_id'),
  guarded('reason'),
  guarded('changes::text'),
  guarded('metadata::text'),
  'seq::text',
  `encode(hash, 'hex')`,
]
const copySql = `SELECT ${copyCells.map((cell) => `coalesce(${cell}, '')`).join(', ')} FROM limena.audit_logs WHERE at >= '${exportFrom}' ORDER BY at DESC, id DESC`
// Both sides read the same rows; whichever ran first would pay for reading them from disk (the
// plan scans the table), so one untimed run warms the cache for both.
await run('psql', [adminUrl, '-q', '-c', `\\copy (${copySql}) TO '/dev/null' WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)`])
const peakBefore = await peakRss(server.child.pid)
const exportStarted = process.hrtime.bigint()
const exportResponse = await fetch(`${server.url}/api/v1/admin/audit-logs.csv?from=${encodeURIComponent(exportFrom)}`, {
  headers: { authorization: `Bearer ${operatorLogin.body.accessToken}`, 'x-access-reason': 'benchmark' },
})
let exportedLines = 0
for await (const chunk of exportResponse.body) exportedLines += countNewlines(chunk)
const exportSeconds = Number(process.hrtime.bigint() - exportStarted) / 1e9
const exportGrowth = (await peakRss(server.child.pid)) - peakBefore
const psqlStarted = process.hrtime.bigint()
await run('psql', [adminUrl, '-q', '-c', `\\copy (${copySql}) TO '/dev/null' WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)`])
const psqlSeconds = Number(process.hrtime.bigint() - psqlStarted) / 1e9
const exportRate = (exportedLines - 1) / exportSeconds
const psqlRate = (exportedLines - 1) / psqlSeconds
rows.push({
  figure: `CSV export of ${(exportedLines - 1).toLocaleString('en')} rows`,
  measured: `${Math.round(exportRate).toLocaleString('en')} rows/s through the API; peak RSS growth ${(exportGrowth / 1048576).toFixed(1)} MB`,
  baseline: `psql \\copy ${Math.round(psqlRate).toLocaleString('en')} rows/s`,
  ratio: `${(exportRate / psqlRate).toFixed(2)}× psql`,
  target: `≥ 0.8× and < 100 MB: ${exportRate / psqlRate >= 0.8 && exportGrowth < 100 * 1048576 ? 'met' : 'NOT met'}`,
})

// ---- 3. Authorised read vs bare Express + pg ---------------------------------------------------
// The bare route runs in a process of its own, as the server does; both are warmed up first.
const bareServer = await startBareServer(appUrl, tenantId)
const membersUrl = `${server.url}/api/v1/tenants/${tenantId}/members`
const readOptions = { url: membersUrl, connections: 64, headers: { authorization: `Bearer ${token}` } }
await cannon({ ...readOptions, duration: 3 })
await cannon({ url: bareServer.url, connections: 64, duration: 3 })
const viaApi = await cannon(readOptions)
const bareResult = await cannon({ url: bareServer.url, connections: 64 })
bareServer.child.kill('SIGTERM')
await once(bareServer.child, 'exit')
rows.push({
  figure: 'authorised read (JWT + RLS transaction), 64 connections',
  measured: `${Math.round(viaApi.requests.average)} req/s, p99 ${viaApi.latency.p99} ms, non-2xx ${viaApi.non2xx}`,
  baseline: `bare Express + pg ${Math.round(bareResult.requests.average)} req/s, p99 ${bareResult.latency.p99} ms`,
  ratio: `${(viaApi.requests.average / bareResult.requests.average).toFixed(2)}× bare`,
  target: `≥ 0.7×: ${viaApi.requests.average / bareResult.requests.average >= 0.7 ? 'met' : 'NOT met'}`,
})

// ---- 4. Logins ---------------------------------------------------------------------------------
// The limit: Argon2id verifications per second on this machine with nothing else running, one per
// core, at the parameters of the owner's stored hash (the server's own, as it rehashes on login).
// Every login costs one.
const storedHash = (await admin.query('SELECT password_hash FROM limena.users WHERE email = $1', [ownerEmail])).rows[0].password_hash
const hashParameters = Object.fromEntries(
  storedHash
    .split('$')[3]
    .split(',')
    .map((pair) => pair.split('='))
    .map(([name, value]) => [name, Number(value)]),
)
const hashing = await measureHashing(storedHash, availableParallelism())
const loginPeakBefore = await peakRss(server.child.pid)
const logins = await cannonWithLatencies({
  url: `${server.url}/api/v1/auth/login`,
  method: 'POST',
  connections: 50,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: ownerEmail, password: 'limena-demo-password' }),
})
const loginPeak = await peakRss(server.child.pid)
const loginP95 = percentile(logins.latencies, 95)
const loginFloor = (50 / hashing.perSecond) * 1000
rows.push({
  figure: `logins, 50 concurrent (Argon2id m=${(hashParameters.m / 1024).toFixed(0)} MiB t=${hashParameters.t} p=${hashParameters.p})`,
  measured: `${logins.result.requests.average.toFixed(1)} logins/s, p95 ${loginP95.toFixed(0)} ms, p50 ${percentile(logins.latencies, 50).toFixed(0)} ms, non-2xx ${logins.result.non2xx}; peak RSS ${(loginPeak / 1048576).toFixed(0)} MB`,
  baseline: `Argon2id alone, one per core: ${hashing.perSecond.toFixed(1)} verifications/s (${hashing.milliseconds.toFixed(1)} ms each), so 50 waiting logins take ${loginFloor.toFixed(0)} ms on average at best; peak RSS before ${(loginPeakBefore / 1048576).toFixed(0)} MB`,
  ratio: `${(logins.result.requests.average / hashing.perSecond).toFixed(2)}× the hashing limit`,
  target: `p95 < 300 ms: ${loginP95 < 300 ? 'met' : 'NOT met'}; RSS < 1 GB: ${loginPeak < 1024 ** 3 ? 'met' : 'NOT met'}`,
})

// Logins arriving one by one at a steady rate the machine can keep up with (three quarters of the
// rate above), rather than 50 at once: the wait a user sees when sign-ins are heavy but within
// capacity.
const pacedRate = Math.max(1, Math.floor(logins.result.requests.average * 0.75))
await new Promise((resolve) => setTimeout(resolve, 5000)) // the logins still queued from the run above
const paced = await steadyLoad({
  url: `${server.url}/api/v1/auth/login`,
  body: JSON.stringify({ email: ownerEmail, password: 'limena-demo-password' }),
  perSecond: pacedRate,
})
rows.push({
  figure: `logins arriving steadily at ${pacedRate}/s (¾ of the rate above)`,
  measured: `p95 ${percentile(paced.latencies, 95).toFixed(0)} ms, p50 ${percentile(paced.latencies, 50).toFixed(0)} ms, ${paced.latencies.length} logins, non-2xx ${paced.failed}`,
  baseline: `one Argon2id verification: ${hashing.milliseconds.toFixed(1)} ms`,
  ratio: `p50 is ${(percentile(paced.latencies, 50) / hashing.milliseconds).toFixed(1)}× one verification`,
  target: '— (context for the row above)',
})

// ---- 5. AI usage on two server processes ------------------------------------------------------
// The second process reaches the same database by DATABASE_URL, as instances behind a load balancer do.
const second = await serve(dataDir, { DATABASE_URL: adminUrl })
const cap = 2000
await admin.query(
  'UPDATE limena.ai_quotas SET velocity_per_hour = $2, monthly_token_ceiling = 1000000000000, hour_calls = 0, month_tokens = 0 WHERE tenant_id = $1',
  [tenantId, cap],
)
const keyAnswer = await api(server.url, 'POST', `/tenants/${tenantId}/api-keys`, {
  token,
  csrf: login.headers
    .getSetCookie()
    .map((line) => /^csrf=([^;]+)/.exec(line)?.[1])
    .find(Boolean),
  body: { name: 'bench ai', scopes: ['ai:write'] },
})
const aiKey = keyAnswer.body.key
const usageOptions = (url) => ({
  url: `${url}/api/v1/tenants/${tenantId}/ai/usage`,
  method: 'POST',
  connections: 32,
  headers: { authorization: `Bearer ${aiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ tokens: 100 }),
})
const [usageA, usageB] = await Promise.all([cannon(usageOptions(server.url)), cannon(usageOptions(second.url))])
const accepted = usageA['2xx'] + usageB['2xx']
const counted = (await admin.query('SELECT hour_calls FROM limena.ai_quotas WHERE tenant_id = $1', [tenantId])).rows[0].hour_calls
rows.push({
  figure: `AI usage recording, two server processes, cap ${cap}/hour`,
  measured: `${Math.round(usageA.requests.average + usageB.requests.average)} calls/s answered; ${accepted} accepted, counter ${counted}`,
  baseline: `cap ${cap}`,
  ratio: `overshoots: ${Math.max(0, accepted - cap)}`,
  target: `0 overshoots: ${accepted <= cap && counted <= cap ? 'met' : 'NOT met'}`,
})

second.child.kill('SIGTERM')
await once(second.child, 'exit')
server.child.kill('SIGTERM')
await once(server.child, 'exit')
await appPool.end()
await admin.end()

const machine = `${cpus().length} × ${cpus()[0].model.trim()}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${version} (embedded)`
const table = [
  '| figure | measured | baseline | ratio | target |',
  '|---|---|---|---|---|',
  ...rows.map((row) => `| ${row.figure} | ${row.measured} | ${row.baseline} | ${row.ratio} | ${row.target} |`),
].join('\n')
const report = `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, every figure in the same run, on: ${machine}.
Data: \`limena seed-demo --tenants ${tenants} --audit-rows ${auditRows}\` (${seedSeconds == null ? 'seed time not recorded' : `seeded in ${seedSeconds.toFixed(0)} s`}${measuredBefore ? "; reused from an earlier run, so with that run's logins and exports in the audit log" : ''}). The load generator runs on the same machine as the server (loopback only), so the req/s figures share two cores with it.

${table}

Reading the table:
- **OFFSET comparison.** Inside one tenant of about ${Math.round(auditRows / tenants).toLocaleString('en')} rows, OFFSET at row ${depth} is still cheap. Keyset pagination pays off where OFFSET has to walk: its bare query costs the same deep as on the first page, while OFFSET grows with depth.
- **CSV export against psql.** Both sides write the same bytes: every cell quoted (RFC 4180) and guarded against formulas, so the ratio measures the API's own cost (authorisation, recording the operator's read of exactly the exported tenants in one snapshot, HTTP streaming), not a difference in output. One untimed copy runs first, so neither side is the one that reads the rows from disk (PostgreSQL plans this range as a scan of the table).
- **Authorised read against bare.** The bare route is what a plain Express + pg handler does: BEGIN, set the tenant, the query and COMMIT, four round trips of unnamed statements. The API does more work (the token, the caller's role, input and output validation, headers), but in three round trips of prepared statements, with the role check planned once per connection; so on a machine where PostgreSQL shares the cores, it can come out ahead.
- **Logins and the hashing limit.** Every login costs one Argon2id verification at OWASP's parameters, which keeps a core busy for ${hashing.milliseconds.toFixed(0)} ms here. With ${availableParallelism()} cores, 50 logins that arrive together cannot all finish in less than 50 × ${hashing.milliseconds.toFixed(0)} ms ÷ ${availableParallelism()} = ${loginFloor.toFixed(0)} ms on average, however the server is written: the baseline column measures that floor. A p95 under 300 ms at 50 concurrent logins needs a floor under 300 ms, so more cores (and \`UV_THREADPOOL_SIZE\` raised to match, see the README), or weaker hashing, which this project does not do. The row of logins arriving steadily shows the wait when they come no faster than the machine can hash them.
- **Shared cores.** The server, PostgreSQL and the load generator share the machine's cores, so req/s figures are lower than on a dedicated host, for the API and the baseline alike.
${
  rows.some((row) => row.target.includes('NOT met'))
    ? `- **Targets not met in this run:** ${rows
        .filter((row) => row.target.includes('NOT met'))
        .map((row) => row.figure)
        .join('; ')}.`
    : '- Every target is met in this run.'
}
`
await writeFile(join(root, 'docs/benchmarks.md'), report)
process.stdout.write(`${report}\n`)
