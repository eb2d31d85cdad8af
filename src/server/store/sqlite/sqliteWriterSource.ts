/**
 * The source of sqliteStore's writer thread (a `worker_threads` Worker started with `eval: true`). It is a string, not
 * a module file, so the same code runs from `dist/`, under tsx and under Vitest's transform without a build step
 * for a second entry point. It has no imports of ours: everything it needs comes in `workerData`.
 *
 * workerData: { filename, synchronous, driverPath, sweepMs, migrations: [{ version, name, sql }], reads: { name: sql },
 *              writes: { name: sql } }
 * in:  { jobs: [{ op: 'put', backup, idem, condition } | { op: 'putShare', share } | { op: 'read', name, args }
 *              | { op: 'run', names, args }] }
 *      | { close: true }
 * out: { ready: true } | { failed: { message, code } } | { outcomes: [{ ok: true, value } | { ok: false, error }] }
 *
 * One message is one batch, committed as one IMMEDIATE transaction (one fsync under synchronous=FULL); each job runs
 * in its own savepoint, so a failing job does not undo the others. The answers are posted only after the commit
 * returned, so the main thread answers a request only once its write is on disk.
 */
export const sqliteWriterSource = `
'use strict'
;(() => {
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const errorOf = (e) => ({ message: String(e && e.message), code: e && e.code })
let db
try {
  const Database = require(workerData.driverPath)
  db = new Database(workerData.filename)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = ' + (workerData.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'))
  db.pragma('busy_timeout = 5000')
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  // IMMEDIATE takes the write lock first, so two processes opening one file cannot both apply a migration.
  db.transaction(() => {
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((r) => r.version))
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const m of workerData.migrations) {
      if (applied.has(m.version)) continue
      db.exec(m.sql)
      record.run(m.version, m.name, new Date().toISOString())
    }
  }).immediate()
} catch (e) {
  parentPort.postMessage({ failed: errorOf(e) })
  try { db && db.close() } catch {}
  return
}

const q = {
  putBackup: db.prepare([
    'INSERT INTO client_backups (client_id, backup_method, key_version, key_file_id, google_account, wallet_backup_id,',
    'key_id, data, stored_at, seq)',
    'VALUES (@client_id, @backup_method, @key_version, @key_file_id, @google_account, @wallet_backup_id, @key_id, @data,',
    '@stored_at,',
    '(SELECT coalesce(max(seq), 0) + 1 FROM client_backups))',
    'ON CONFLICT (client_id, backup_method) DO UPDATE SET',
    'key_version = excluded.key_version, key_file_id = excluded.key_file_id, google_account = excluded.google_account,',
    'wallet_backup_id = excluded.wallet_backup_id,',
    'key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq',
  ].join(' ')),
  getData: db.prepare('SELECT data FROM client_backups WHERE client_id = ? AND backup_method = ?'),
  putShare: db.prepare([
    'INSERT INTO custodian_shares (client_id, backup_method, key_id, data, stored_at, seq)',
    'VALUES (@client_id, @backup_method, @key_id, @data, @stored_at,',
    '(SELECT coalesce(max(seq), 0) + 1 FROM custodian_shares))',
    'ON CONFLICT (client_id, backup_method) DO UPDATE SET',
    'key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq',
  ].join(' ')),
  getIdem: db.prepare('SELECT * FROM idempotency_keys WHERE client_id = ? AND idem_key = ? AND expires_at > ?'),
  // An expired record is taken over; a live one is left alone (no row changes -> replay).
  claimIdem: db.prepare([
    'INSERT INTO idempotency_keys (client_id, idem_key, fingerprint, status, body, expires_at)',
    'VALUES (@client_id, @idem_key, @fingerprint, @status, @body, @expires_at)',
    'ON CONFLICT (client_id, idem_key) DO UPDATE SET',
    'fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, expires_at = excluded.expires_at',
    'WHERE idempotency_keys.expires_at <= @now',
  ].join(' ')),
  purgeIdem: db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
}
const reads = {}
for (const [name, sql] of Object.entries(workerData.reads)) reads[name] = db.prepare(sql)
// Named writes (erasure: sqliteErase.ts). A 'run' job runs several in its one savepoint and answers their changes.
const writes = {}
for (const [name, sql] of Object.entries(workerData.writes || {})) writes[name] = db.prepare(sql)

// Buffers arrive as Uint8Arrays (structured clone); SQLite must store them as BLOBs.
const blob = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)
// The same tag as revisionOf.ts (tested through the If-Match suite on both stores).
const revisionOf = (data) => '"' + createHash('sha256').update(data).digest('base64url').slice(0, 22) + '"'
class PreconditionFailed extends Error {}

const putOne = ({ backup, idem, condition, columns }) => {
  const now = backup.storedAt.getTime()
  if (idem) {
    const claimed = q.claimIdem.run({
      client_id: idem.clientId, idem_key: idem.key, fingerprint: idem.fingerprint, status: idem.status,
      body: idem.body, expires_at: idem.expiresAt.getTime(), now,
    })
    if (claimed.changes === 0) {
      const row = q.getIdem.get(idem.clientId, idem.key, now)
      if (row) return { replayed: true, previous: row }
    }
  }
  if (condition) {
    const current = q.getData.get(backup.clientId, backup.backupMethod)
    const holds = current !== undefined && (condition.ifMatch === '*' || condition.ifMatch.includes(revisionOf(current.data)))
    // Thrown so the job's savepoint rolls back the idempotency claim made above.
    if (!holds) throw new PreconditionFailed()
  }
  q.putBackup.run({
    client_id: backup.clientId, backup_method: backup.backupMethod, key_version: columns.key_version,
    key_file_id: columns.key_file_id, google_account: columns.google_account,
    wallet_backup_id: columns.wallet_backup_id, key_id: backup.keyId,
    data: blob(backup.data), stored_at: now,
  })
  return { replayed: false }
}
const runJob = (job) => {
  if (job.op === 'put') return putOne(job)
  if (job.op === 'putShare') {
    const s = job.share
    q.putShare.run({ client_id: s.clientId, backup_method: s.backupMethod, key_id: s.keyId, data: blob(s.data), stored_at: s.storedAt.getTime() })
    return undefined
  }
  if (job.op === 'run') return job.names.map((name) => writes[name].run(...job.args).changes)
  const stmt = reads[job.name]
  return job.all ? stmt.all(...job.args) : stmt.get(...job.args)
}
const savepoint = db.transaction((job) => runJob(job))
const commitBatch = db.transaction((jobs) =>
  jobs.map((job) => {
    try {
      return { ok: true, value: savepoint(job) }
    } catch (e) {
      if (e instanceof PreconditionFailed) return { ok: true, value: { replayed: false, preconditionFailed: true } }
      return { ok: false, error: errorOf(e) }
    }
  }),
)

// Expired idempotency records only need to vanish eventually (an expired one is ignored and taken over by its key's
// next use): a periodic scan between batches keeps writes from maintaining an index on expires_at.
const sweep = setInterval(() => {
  try {
    q.purgeIdem.run(Date.now())
  } catch {}
}, workerData.sweepMs)

parentPort.on('message', (msg) => {
  if (msg.close) {
    clearInterval(sweep)
    db.close()
    parentPort.close()
    return
  }
  let outcomes
  try {
    outcomes = commitBatch.immediate(msg.jobs)
  } catch (e) {
    const error = errorOf(e)
    outcomes = msg.jobs.map(() => ({ ok: false, error }))
  }
  parentPort.postMessage({ outcomes })
})
parentPort.postMessage({ ready: true })
})()
`
