import { afterEach, describe, expect, test, vi } from 'vitest'
import { createTokenBroker } from '../clients/createTokenBroker.js'
import { DRIVE_APPDATA_SCOPE } from '../clients/driveKeyStore.js'
import { signOut } from './signOut.js'

type Answer = { successful: boolean; error?: string }
const g = globalThis as { google?: unknown }
afterEach(() => {
  delete g.google
})

/** GIS's `google.accounts.oauth2.revoke(token, done)`, as the loaded script offers it. */
function gisRevoke(answer: () => Answer) {
  const revoked: string[] = []
  g.google = {
    accounts: {
      oauth2: {
        revoke: (token: string, done: (a: Answer) => void) => {
          revoked.push(token)
          setTimeout(() => done(answer()))
        },
      },
    },
  }
  return revoked
}

async function brokerHolding(token: string) {
  const broker = createTokenBroker()
  broker.attach(vi.fn())
  const p = broker.request({ user: 'client-alice' })
  broker.accept({ access_token: token, expires_in: 3599, scope: DRIVE_APPDATA_SCOPE })
  await p
  return broker
}

describe('signOut', () => {
  test('drops the token; Google is asked to revoke only with revokeGoogle', async () => {
    const revoked = gisRevoke(() => ({ successful: true }))
    const plain = await brokerHolding('ya29.one')
    await signOut(plain)
    expect(plain.heldToken()).toBeUndefined()
    expect(revoked).toEqual([])

    const revoking = await brokerHolding('ya29.two')
    await signOut(revoking, { revokeGoogle: true })
    expect(revoked).toEqual(['ya29.two'])
    expect(revoking.heldToken()).toBeUndefined()
    // Nothing held any more: nothing to revoke with, nothing asked.
    await signOut(revoking, { revokeGoogle: true })
    expect(revoked).toHaveLength(1)
  })

  test("Google's refusal, or no Google script, is GoogleRevokeFailed; the token is dropped anyway", async () => {
    gisRevoke(() => ({ successful: false, error: 'invalid_token' }))
    const refused = await brokerHolding('ya29.one')
    await expect(signOut(refused, { revokeGoogle: true })).rejects.toMatchObject({
      code: 'GOOGLE_REVOKE_FAILED',
      facts: { reason: 'invalid_token' },
    })
    expect(refused.heldToken()).toBeUndefined()

    delete g.google
    const unloaded = await brokerHolding('ya29.two')
    await expect(signOut(unloaded, { revokeGoogle: true })).rejects.toMatchObject({
      code: 'GOOGLE_REVOKE_FAILED',
      facts: { reason: 'not_loaded' },
    })
    expect(unloaded.heldToken()).toBeUndefined()
  })
})
