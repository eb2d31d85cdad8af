/** Where `@react-oauth/google` (and Google's docs) load Google Identity Services from. */
export const gisStandInUrl = 'https://accounts.google.com/gsi/client'

/**
 * The emulator's consent endpoint, standing in for the popup: the stand-in POSTs the token request here and the
 * Google emulator's handler answers with what the user "did". Not a real Google URL (Google's popup is a page).
 */
export const gisEmulatorTokenUrl = 'https://oauth2.googleapis.com/emulator/token'

/** Google's real token revocation endpoint, used by `google.accounts.oauth2.revoke`. */
export const gisRevokeUrl = 'https://oauth2.googleapis.com/revoke'

/** Name of the page global through which the stand-in records calls and takes consent decisions. */
export const gisEmulatorGlobal = '__gisEmulator'

export interface GisStandInOptions {
  /** Consent endpoint the stand-in POSTs to; default `gisEmulatorTokenUrl`. */
  tokenUrl?: string
  /** Revocation endpoint; default `gisRevokeUrl`. */
  revokeUrl?: string
  /** Time the simulated popup stays open before the user's answer is requested, ms; default 10. */
  popupDelayMs?: number
  /**
   * Like a browser, refuse to open the popup without transient user activation (default true). When the browser
   * lacks `navigator.userActivation`, the stand-in falls back to "is `window.event` a user gesture".
   */
  requireUserActivation?: boolean
}

/**
 * JavaScript source of a stand-in for `https://accounts.google.com/gsi/client`: `google.accounts.oauth2`
 * (initTokenClient, hasGrantedAllScopes, hasGrantedAnyScope, revoke, initCodeClient) and the parts of
 * `google.accounts.id` that `@react-oauth/google` calls. Plain ES2017, no imports: it is served as a script.
 */
export function gisStandInScript(options: GisStandInOptions = {}): string {
  const config = {
    tokenUrl: options.tokenUrl ?? gisEmulatorTokenUrl,
    revokeUrl: options.revokeUrl ?? gisRevokeUrl,
    popupDelayMs: options.popupDelayMs ?? 10,
    requireUserActivation: options.requireUserActivation ?? true,
    globalName: gisEmulatorGlobal,
  }
  return `/* Google Identity Services stand-in (react-mpc-backup/testing). Not Google's code. */
(function () {
  'use strict';
  var config = ${JSON.stringify(config)};
  var w = window;
  // Events that carry user activation (HTML spec "activation triggering input events") plus click/submit,
  // inside whose handlers a real browser lets a page open a popup.
  var USER_EVENTS = ['click', 'dblclick', 'auxclick', 'contextmenu', 'keydown', 'keyup', 'keypress', 'mousedown',
    'mouseup', 'pointerdown', 'pointerup', 'touchend', 'submit'];

  function hook() {
    var h = w[config.globalName];
    if (!h || typeof h !== 'object') { h = { calls: [] }; w[config.globalName] = h; }
    if (!Array.isArray(h.calls)) h.calls = [];
    return h;
  }
  function later(fn, ms) { setTimeout(fn, ms || 0); }
  function splitScopes(s) { return String(s == null ? '' : s).split(/\\s+/).filter(Boolean); }
  function plain(o) {
    var out = {};
    if (!o || typeof o !== 'object') return out;
    Object.keys(o).forEach(function (k) { if (typeof o[k] !== 'function') out[k] = o[k]; });
    return out;
  }
  function pick(base, overrides, key) {
    if (overrides && typeof overrides === 'object' && overrides[key] !== undefined) return overrides[key];
    return base[key];
  }
  function gesture() {
    var ev = w.event;
    var type = ev && typeof ev.type === 'string' ? ev.type : null;
    var active = w.navigator && w.navigator.userActivation ? !!w.navigator.userActivation.isActive : null;
    return {
      eventType: type,
      eventTrusted: ev ? ev.isTrusted !== false : null,
      inUserEvent: !!ev && ev.isTrusted !== false && USER_EVENTS.indexOf(type) >= 0,
      userActivation: active
    };
  }
  function callError(cb, type, message) {
    later(function () { if (typeof cb === 'function') cb({ type: type, message: message }); });
  }

  function initTokenClient(cfg) {
    if (!cfg || typeof cfg !== 'object') throw new Error('Missing required parameter: config');
    if (!cfg.client_id) throw new Error('Missing required parameter client_id.');
    if (!cfg.scope) throw new Error('Missing required parameter scope.');
    var h = hook();
    var cfgPlain = plain(cfg);
    h.calls.push({
      kind: 'initTokenClient', at: Date.now(), clientId: String(cfg.client_id), scope: String(cfg.scope),
      config: cfgPlain, hasCallback: typeof cfg.callback === 'function', hasErrorCallback: typeof cfg.error_callback === 'function'
    });
    return {
      requestAccessToken: function (overrides) {
        var g = gesture();
        var scope = String(pick(cfg, overrides, 'scope') || '');
        var prompt = pick(cfg, overrides, 'prompt');
        if (prompt === undefined) prompt = 'select_account';
        var hint = pick(cfg, overrides, 'login_hint');
        if (hint === undefined) hint = pick(cfg, overrides, 'hint');
        var includeGranted = pick(cfg, overrides, 'include_granted_scopes');
        var state = pick(cfg, overrides, 'state');
        var hk = hook();
        var ownedByEmulator = typeof hk.takeConsent === 'function';
        var call = {
          kind: 'requestAccessToken', at: Date.now(), clientId: String(cfg.client_id), scope: scope, prompt: String(prompt),
          overrides: plain(overrides), inUserEvent: g.inUserEvent, eventType: g.eventType, eventTrusted: g.eventTrusted,
          userActivation: g.userActivation, outcome: 'pending'
        };
        // Recorded synchronously: a blocked popup never reaches the network.
        hk.calls.push(call);
        var consent = ownedByEmulator ? hk.takeConsent() : undefined;
        if (consent && consent.behaviour === 'throw') {
          call.outcome = 'throw';
          throw new Error('requestAccessToken failed (emulated)');
        }
        var blocked = config.requireUserActivation &&
          (g.userActivation === false || (g.userActivation === null && !g.inUserEvent));
        if (blocked || (consent && consent.behaviour === 'popupBlocked')) {
          call.outcome = 'popupBlocked';
          callError(cfg.error_callback, 'popup_failed_to_open', 'Failed to open popup window');
          return;
        }
        later(function () {
          var body = {
            client_id: String(cfg.client_id), scope: scope, prompt: String(prompt),
            login_hint: hint === undefined ? null : String(hint),
            include_granted_scopes: includeGranted === undefined ? true : !!includeGranted,
            state: state === undefined ? null : String(state),
            origin: w.location ? String(w.location.origin) : null,
            consent: consent || null,
            call: { at: call.at, inUserEvent: call.inUserEvent, eventType: call.eventType, eventTrusted: call.eventTrusted,
              userActivation: call.userActivation, recordedInPage: ownedByEmulator }
          };
          fetch(config.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
            .then(function (r) {
              if (!r.ok) throw new Error('consent endpoint answered HTTP ' + r.status);
              return r.json();
            })
            .then(function (answer) {
              call.outcome = answer.outcome;
              if (answer.account !== undefined) { call.account = answer.account; call.chooser = !!answer.chooser; call.consent = !!answer.consent; }
              if (answer.silent) return;
              if ('errorCallback' in answer) { if (typeof cfg.error_callback === 'function') cfg.error_callback(answer.errorCallback); return; }
              if (typeof cfg.callback === 'function') cfg.callback(answer.callback);
            }, function (err) {
              call.outcome = 'error';
              if (typeof cfg.error_callback === 'function') cfg.error_callback({ type: 'unknown', message: String(err && err.message || err) });
            });
        }, config.popupDelayMs);
      }
    };
  }

  function initCodeClient(cfg) {
    hook().calls.push({ kind: 'initCodeClient', at: Date.now(), clientId: String(cfg && cfg.client_id), config: plain(cfg) });
    return {
      requestCode: function () {
        hook().calls.push({ kind: 'requestCode', at: Date.now() });
        callError(cfg && cfg.error_callback, 'unknown', 'The code flow is not emulated');
      }
    };
  }

  function granted(tokenResponse, scopes) {
    if (!tokenResponse || typeof tokenResponse !== 'object' || tokenResponse.error) return null;
    return splitScopes(tokenResponse.scope);
  }
  function hasGrantedAllScopes(tokenResponse) {
    var have = granted(tokenResponse);
    var want = Array.prototype.slice.call(arguments, 1);
    return !!have && want.length > 0 && want.every(function (s) { return have.indexOf(s) >= 0; });
  }
  function hasGrantedAnyScope(tokenResponse) {
    var have = granted(tokenResponse);
    var want = Array.prototype.slice.call(arguments, 1);
    return !!have && want.some(function (s) { return have.indexOf(s) >= 0; });
  }
  function revoke(token, done) {
    hook().calls.push({ kind: 'revoke', at: Date.now() });
    fetch(config.revokeUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=' + encodeURIComponent(String(token))
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (typeof done === 'function') done(r.ok ? { successful: true } :
          { successful: false, error: b.error || 'invalid_request', error_description: b.error_description || '' });
      });
    }, function (err) {
      if (typeof done === 'function') done({ successful: false, error: 'network_error', error_description: String(err) });
    });
  }

  function notification() {
    return {
      getMomentType: function () { return 'display'; }, isDisplayMoment: function () { return true; },
      isDisplayed: function () { return false; }, isNotDisplayed: function () { return true; },
      getNotDisplayedReason: function () { return 'unknown_reason'; }, isSkippedMoment: function () { return false; },
      getSkippedReason: function () { return undefined; }, isDismissedMoment: function () { return false; },
      getDismissedReason: function () { return undefined; }
    };
  }
  var id = {
    initialize: function (cfg) { hook().calls.push({ kind: 'id.initialize', at: Date.now(), clientId: String(cfg && cfg.client_id), config: plain(cfg) }); },
    prompt: function (listener) { later(function () { if (typeof listener === 'function') listener(notification()); }); },
    renderButton: function (parent) {
      if (!parent || typeof parent.appendChild !== 'function') return;
      var b = document.createElement('div');
      b.setAttribute('data-gis-emulator', 'button');
      b.setAttribute('role', 'button');
      b.textContent = 'Sign in with Google';
      parent.appendChild(b);
    },
    cancel: function () {}, disableAutoSelect: function () {},
    storeCredential: function (c, cb) { if (typeof cb === 'function') later(cb); },
    revoke: function (hint, done) { later(function () { if (typeof done === 'function') done({ successful: true }); }); }
  };

  w.google = w.google || {};
  w.google.accounts = {
    oauth2: { initTokenClient: initTokenClient, initCodeClient: initCodeClient, hasGrantedAllScopes: hasGrantedAllScopes,
      hasGrantedAnyScope: hasGrantedAnyScope, revoke: revoke },
    id: id
  };
  if (typeof w.onGoogleLibraryLoad === 'function') w.onGoogleLibraryLoad();
})();
`
}
