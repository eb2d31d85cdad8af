// A stand-in for Portal's iframe page (https://web.portalhq.io/3.4.1/iframe/index.html), served to the REAL
// @portal-hq/web 3.4.1 SDK through Playwright routing, so the SDK's origin checks and postMessage targets are the
// real ones. It speaks the protocol exactly as the SDK's source (lib/esm/mpc/index.js) defines it:
//   parent -> iframe: portal:configure, portal:address, portal:wasm:backup, portal:api:setBackupStatus,
//                     portal:storedClientBackupShare, portal:wasm:recover, portal:getClient
//   iframe -> parent: portal:ready (data === true), portal:addressResult, portal:wasm:backupProgress | Result
//                     { cipherText, backupIds } | Error { code, message }, portal:api:setBackupStatusResult | Error,
//                     portal:storedClientBackupShareResult | Error, portal:wasm:recoverProgress | Result (address)
//                     | Error, portal:getClientResult | Error
// Messages are accepted only from `parentOrigin` (the query parameter the SDK adds) and answered to it only.
// Portal's servers are modelled by the route handler in Node (`/__standin/server/:apiKey`, shared by every "device"
// of the test page; a third-party iframe gets no localStorage here); the device's signing share lives in the page's
// memory, so a new Portal (a new iframe) is a new device. The client backup share is really encrypted (AES-GCM, key from the backup password by PBKDF2), so a wrong
// key fails to recover (code 407, FailedToDecryptCipher in the SDK's PortalErrorCodes).
// Backup share pairs as Portal lists them (getClient's wallets[].backupSharePairs, one wallet per curve): Portal keeps
// one backup per method per client, so a newer confirmed backup of a method replaces the older one, whose pairs stop
// being 'completed'; every backup gets new pair ids. Status values: the SDK reads only 'completed' (isWalletBackedUp,
// availableRecoveryMethods) and its own fixtures show 'incomplete'; its SharePairStatus type is not published. So the
// stand-in lists only those two, and keeps apart, unlisted, the pairs that can no longer complete (replaced,
// reported not stored, or a newer backup of the method started).
// Test controls (never sent by the SDK): `standin:control` { hang: string[], errors: { [type]: { code, message } } }
// and `standin:log` -> `standin:logResult` [{ type, data }] (every SDK message received, in order).

export const PORTAL_IFRAME_URL = 'https://web.portalhq.io/3.4.1/iframe/index.html'
export const PORTAL_ORIGIN = 'https://web.portalhq.io'

const script = String.raw`
(() => {
  const parentOrigin = new URL(location.href).searchParams.get('parentOrigin')
  const log = []
  const control = { hang: [], errors: {} }
  let config
  let device // { clientId, secret } once this device holds the wallet
  const enc = new TextEncoder()
  const dec = new TextDecoder()
  const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
  const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
  const send = (type, data) => parent.postMessage({ type, data }, parentOrigin)
  // A broken stand-in must say so, not look like a hanging SDK.
  addEventListener('error', (e) => send('standin:error', String(e.message)))
  addEventListener('unhandledrejection', (e) => send('standin:error', String(e.reason && e.reason.stack || e.reason)))
  send('standin:loaded', location.href)

  // Portal's servers: state kept by the test's route handler (in Node), per API key, shared by every device.
  const serverUrl = () => '/__standin/server/' + encodeURIComponent(config.apiKey)
  const server = async () => (await fetch(serverUrl())).json()
  const saveServer = (s) => fetch(serverUrl(), { method: 'PUT', body: JSON.stringify(s) })

  async function addressOf(secret) {
    const digest = await crypto.subtle.digest('SHA-256', unb64(secret))
    return '0x' + hex(digest).slice(0, 40)
  }

  // First configure with a new API key: Portal's servers make the client and this device gets its wallet.
  async function boot() {
    let s = await server()
    if (!s) {
      const secret = b64(crypto.getRandomValues(new Uint8Array(32)))
      s = { clientId: 'cl_' + hex(crypto.getRandomValues(new Uint8Array(6))), address: await addressOf(secret), pairs: [], voided: [], gdriveKeys: {}, next: 1 }
      await saveServer(s)
      device = { secret }
    }
  }

  async function passwordKey(password, salt) {
    const base = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveKey'])
    return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1000 }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  }

  class PortalError extends Error {
    constructor(code, message) {
      super(message)
      this.code = code
    }
  }

  async function backup({ backupMethod, backupConfigs }) {
    if (!device) throw new PortalError(305, 'No signing share on this device')
    const s = await server()
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const iv = crypto.getRandomValues(new Uint8Array(12))
    let key
    let gdriveKey
    if (backupMethod === 'PASSWORD') {
      key = await passwordKey(backupConfigs.passwordStorage.password, salt)
    } else if (backupMethod === 'GDRIVE') {
      gdriveKey = b64(crypto.getRandomValues(new Uint8Array(32)))
      key = await crypto.subtle.importKey('raw', unb64(gdriveKey), 'AES-GCM', false, ['encrypt', 'decrypt'])
    } else {
      throw new PortalError(201, 'Unsupported backup method ' + backupMethod)
    }
    const ids = ['SECP256K1', 'ED25519'].map((curve) => ({ id: 'bsp_' + s.next++, curve, backupMethod, status: 'incomplete', createdAt: new Date().toISOString() }))
    const plain = enc.encode(JSON.stringify({ secret: device.secret, pairs: ids.map((p) => p.id) }))
    const body = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain)
    // Only the newest backup of a method can still be confirmed.
    for (const p of s.pairs) if (p.backupMethod === backupMethod && p.status === 'incomplete') s.voided.push(p.id)
    s.pairs.push(...ids)
    if (gdriveKey) for (const p of ids) s.gdriveKeys[p.id] = gdriveKey
    await saveServer(s)
    const cipherText = b64(enc.encode(JSON.stringify({ salt: b64(salt), iv: b64(iv), body: b64(body), gdrive: ids[0].id })))
    return { cipherText, backupIds: ids.map((p) => p.id) }
  }

  function complete(s, pairIds) {
    const done = s.pairs.filter((p) => pairIds.includes(p.id) && p.status === 'incomplete' && !s.voided.includes(p.id))
    for (const p of done) {
      // One backup per method: a completed backup replaces the older one of that method (each curve's pair).
      for (const old of s.pairs) {
        if (old.backupMethod !== p.backupMethod || old.curve !== p.curve || old.status !== 'completed') continue
        old.status = 'incomplete'
        s.voided.push(old.id)
      }
      p.status = 'completed'
    }
    return done.length
  }

  async function recover({ cipherText, backupMethod, backupConfigs }) {
    const s = await server()
    let parsed
    try {
      parsed = JSON.parse(dec.decode(unb64(cipherText)))
    } catch {
      throw new PortalError(405, 'Failed to decode cipher')
    }
    let key
    if (backupMethod === 'PASSWORD') {
      const password = backupConfigs && backupConfigs.passwordStorage && backupConfigs.passwordStorage.password
      if (!password) throw new PortalError(201, 'Password is required')
      key = await passwordKey(password, unb64(parsed.salt))
    } else {
      const raw = s.gdriveKeys[parsed.gdrive]
      if (!raw) throw new PortalError(203, 'Backup key not found')
      key = await crypto.subtle.importKey('raw', unb64(raw), 'AES-GCM', false, ['encrypt', 'decrypt'])
    }
    let plain
    try {
      plain = JSON.parse(dec.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(parsed.iv) }, key, unb64(parsed.body))))
    } catch {
      throw new PortalError(407, 'Failed to decrypt cipher')
    }
    const pairs = s.pairs.filter((p) => plain.pairs.includes(p.id))
    if (!pairs.every((p) => p.status === 'completed')) throw new PortalError(203, 'Backup share pair is not completed')
    if ((await addressOf(plain.secret)) !== s.address) throw new PortalError(116, 'Signing share mismatch')
    device = { secret: plain.secret }
    return s.address
  }

  async function client() {
    const s = await server()
    const wallets = ['SECP256K1', 'ED25519'].map((curve) => ({
      id: 'w_' + curve,
      curve,
      publicKey: 'pk',
      backupSharePairs: s.pairs.filter((p) => p.curve === curve),
      signingSharePairs: [],
    }))
    return {
      id: s.clientId,
      address: s.address,
      custodian: { id: 'cu_1', name: 'stand-in' },
      environment: { id: 'env_1', name: 'test', backupWithPortalEnabled: false },
      ejectedAt: null,
      isAccountAbstracted: false,
      metadata: { namespaces: { eip155: { address: s.address, curve: 'SECP256K1' } } },
      wallets,
    }
  }

  const handlers = {
    'portal:address': async () => ['portal:addressResult', device ? (await server()).address : ''],
    'portal:wasm:backup': async (data) => {
      for (const status of ['Generating share', 'Parsing share', 'Encrypting share', 'Storing share']) send('portal:wasm:backupProgress', { status, done: false })
      const result = await backup(data)
      send('portal:wasm:backupProgress', { status: 'Done', done: true })
      return ['portal:wasm:backupResult', result]
    },
    'portal:api:setBackupStatus': async (data) => {
      if (data.status !== 'STORED_CLIENT_BACKUP_SHARE') throw new PortalError(201, 'Unknown status')
      const s = await server()
      complete(s, data.backupIds || [])
      await saveServer(s)
      return ['portal:api:setBackupStatusResult', true]
    },
    'portal:storedClientBackupShare': async (data) => {
      const s = await server()
      const pending = s.pairs.filter((p) => p.backupMethod === data.backupMethod && p.status === 'incomplete' && !s.voided.includes(p.id))
      if (data.success) complete(s, pending.map((p) => p.id))
      else for (const p of pending) s.voided.push(p.id)
      await saveServer(s)
      return ['portal:storedClientBackupShareResult', undefined]
    },
    'portal:wasm:recover': async (data) => {
      for (const status of ['Reading share', 'Decrypting share']) send('portal:wasm:recoverProgress', { status, done: false })
      const address = await recover(data)
      for (const status of ['Recovering backup share', 'Recovering signing share']) send('portal:wasm:recoverProgress', { status, done: false })
      send('portal:wasm:recoverProgress', { status: 'Done', done: true })
      return ['portal:wasm:recoverResult', address]
    },
    'portal:getClient': async () => ['portal:getClientResult', await client()],
  }
  const errorType = { 'portal:wasm:backup': 'portal:wasm:backupError', 'portal:wasm:recover': 'portal:wasm:recoverError', 'portal:api:setBackupStatus': 'portal:api:setBackupStatusError', 'portal:storedClientBackupShare': 'portal:storedClientBackupShareError', 'portal:getClient': 'portal:getClientError' }

  window.addEventListener('message', async (event) => {
    if (event.origin !== parentOrigin || event.source !== parent) return
    const { type, data } = event.data || {}
    if (type === 'standin:control') return Object.assign(control, data)
    if (type === 'standin:log') return send('standin:logResult', log)
    log.push({ type, data })
    if (type === 'portal:configure') {
      config = data
      await boot()
      return send('portal:ready', true)
    }
    if (control.hang.includes(type)) return
    const handler = handlers[type]
    if (!handler) return
    const planned = control.errors[type]
    try {
      if (planned) {
        delete control.errors[type]
        throw new PortalError(planned.code, planned.message)
      }
      const [resultType, result] = await handler(data)
      send(resultType, result)
    } catch (error) {
      send(errorType[type], { code: error.code, message: error.message })
    }
  })
})()
`

export function portalIframeStandInHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Portal iframe stand-in</title></head><body><script>${script}</script></body></html>`
}
