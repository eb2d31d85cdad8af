import type { BackupRouterOptions } from '../../../src/server/index.js'
import type { HostCase } from './hosts.js'
import { serveRouter, type TestApi } from './http.js'
import type { StoreCase, StoreHarness } from './stores.js'

/**
 * Opens a store case and serves the router over it (through `host`, express by default). `close` stops the listener, then disposes of the store: return
 * it from `beforeAll` and Vitest runs it after the suite.
 */
export async function serveRouterOn(
  storeCase: Pick<StoreCase, 'create'>,
  overrides: Partial<BackupRouterOptions> = {},
  host?: HostCase,
): Promise<{ harness: StoreHarness; api: TestApi; close: () => Promise<void> }> {
  const harness = await storeCase.create()
  const api = await serveRouter(harness.store, overrides, host).catch(async (error: unknown) => {
    await harness.dispose()
    throw error
  })
  return {
    harness,
    api,
    close: async () => {
      await api.close()
      await harness.dispose()
    },
  }
}
