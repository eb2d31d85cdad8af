import type { ShareServerReport } from './checkShareServerTypes.js'

/** The report as a plain-text pass/fail table, one row per check, with the reason of each failure. */
export function formatShareServerReport(report: ShareServerReport): string {
  const width = Math.max(...report.rows.map((r) => r.name.length))
  const lines = [`share-server contract check: ${report.baseUrl}`, '']
  for (const row of report.rows) {
    lines.push(`${row.ok ? 'PASS' : 'FAIL'}  ${row.name.padEnd(width)}  ${row.title}`)
    if (!row.ok && row.reason) lines.push(`      ${' '.repeat(width)}  -> ${row.reason}`)
  }
  const failed = report.rows.filter((r) => !r.ok).length
  lines.push('', `${report.rows.length - failed} passed, ${failed} failed`)
  return lines.join('\n')
}
