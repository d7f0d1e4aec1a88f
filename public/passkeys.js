// Passkeys in the browser (WebAuthn): the buttons marked data-passkey on
// the account page ("register"), the sign-in page ("sign-in") and the
// second-step page ("second-step"). The server sends the options with
// binary fields in base64url and takes the browser's answer the same way;
// everything else (challenges, checks, sessions) happens on the server.
(() => {
  'use strict';

  const decode = (s) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  };
  const encode = (buf) => {
    const bytes = new Uint8Array(buf);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };

  const creationOptions = (json) => {
    const pk = JSON.parse(json).publicKey;
    pk.challenge = decode(pk.challenge);
    pk.user.id = decode(pk.user.id);
    for (const c of pk.excludeCredentials ?? []) c.id = decode(c.id);
    return pk;
  };
  const requestOptions = (json) => {
    const pk = JSON.parse(json).publicKey;
    pk.challenge = decode(pk.challenge);
    for (const c of pk.allowCredentials ?? []) c.id = decode(c.id);
    return pk;
  };
  const registration = (cred) => ({
    id: cred.id,
    rawId: encode(cred.rawId),
    type: cred.type,
    response: {
      attestationObject: encode(cred.response.attestationObject),
      clientDataJSON: encode(cred.response.clientDataJSON),
      transports: cred.response.getTransports ? cred.response.getTransports() : undefined,
    },
    extensions: cred.getClientExtensionResults(),
  });
  const assertion = (cred) => ({
    id: cred.id,
    rawId: encode(cred.rawId),
    type: cred.type,
    response: {
      authenticatorData: encode(cred.response.authenticatorData),
      clientDataJSON: encode(cred.response.clientDataJSON),
      signature: encode(cred.response.signature),
      userHandle: cred.response.userHandle ? encode(cred.response.userHandle) : null,
    },
    extensions: cred.getClientExtensionResults(),
  });

  // The server's message from a refusal: a server function's error, or a
  // sign-in route's {message}.
  const refusal = async (res) => {
    try {
      const body = await res.json();
      return body?.Validation?.message ?? body?.message ?? `The server refused (${res.status}).`;
    } catch {
      return `The server refused (${res.status}).`;
    }
  };
  const post = async (url, body, form) => {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: form
        ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
        : { 'content-type': 'application/json', accept: 'application/json' },
      body: form ? new URLSearchParams(body) : JSON.stringify(body),
    });
    if (!res.ok) {
      const err = new Error(await refusal(res));
      err.redirect = res.status === 401 ? '/login?error=expired' : null;
      throw err;
    }
    return res.json();
  };

  const flows = {
    async register(btn) {
      const name = document.getElementById(btn.dataset.name)?.value.trim() ?? '';
      if (!name) throw new Error('Give the passkey a name first, e.g. “Work laptop”.');
      const { token, options } = await post('/api/begin_passkey', {}, true);
      const cred = await navigator.credentials.create({ publicKey: creationOptions(options) });
      await post('/api/finish_passkey', { token, name, credential: JSON.stringify(registration(cred)) }, true);
      location.reload();
    },
    async 'sign-in'() {
      const { token, options } = await post('/auth/passkey/options', {});
      const cred = await navigator.credentials.get({ publicKey: requestOptions(options) });
      const { redirect } = await post('/auth/passkey', { token, credential: assertion(cred) });
      location.assign(redirect);
    },
    async 'second-step'() {
      const { token, options } = await post('/auth/passkey/second-step/options', {});
      const cred = await navigator.credentials.get({ publicKey: requestOptions(options) });
      const { redirect } = await post('/auth/passkey/second-step', { token, credential: assertion(cred) });
      location.assign(redirect);
    },
  };

  document.addEventListener('click', async (event) => {
    const btn = event.target.closest?.('[data-passkey]');
    const flow = btn && flows[btn.dataset.passkey];
    if (!flow) return;
    event.preventDefault();
    const status = document.getElementById(btn.dataset.status);
    const say = (text) => { if (status) status.textContent = text; };
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say('This browser cannot use passkeys.');
      return;
    }
    btn.disabled = true;
    say('Waiting for your passkey…');
    try {
      await flow(btn);
    } catch (e) {
      if (e.redirect) {
        location.assign(e.redirect);
        return;
      }
      say(e.name === 'NotAllowedError'
        ? 'The passkey request was cancelled or timed out. Try again.'
        : e.message || 'The passkey did not work. Try again.');
    } finally {
      btn.disabled = false;
    }
  });
})();
