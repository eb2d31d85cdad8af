/**
 * Per-operation latency for benchmarks: a fixed delay per key plus a uniform random `jitter` (0..jitter ms)
 * so that latency-hiding code (parallel steps) shows its effect. `default` applies to keys not listed.
 */
export type LatencyOptions<K extends string> = { [P in K]?: number } & { jitter?: number; default?: number }

export async function applyLatency<K extends string>(latency: LatencyOptions<K> | undefined, key: K): Promise<void> {
  if (!latency) return
  const table: Partial<Record<string, number>> = latency
  const base = table[key] ?? latency.default ?? 0
  const jitter = latency.jitter ?? 0
  const ms = base + (jitter > 0 ? Math.random() * jitter : 0)
  if (ms > 0) await sleep(ms)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
