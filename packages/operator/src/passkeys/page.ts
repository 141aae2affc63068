/**
 * The customer's page for answering purchase requests with a passkey. No
 * framework and no inline script (the node's CSP allows 'self' only). The
 * customer's API key comes in the URL fragment, which never reaches a server.
 */
export const PASSKEY_PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tallystick: purchase requests</title></head>
<body>
<h1>Purchase requests</h1>
<p><button id="register">Register a passkey</button> <span id="register-status"></span></p>
<p><button id="refresh">Refresh</button></p>
<ul id="requests"></ul>
<script src="/wallet/passkeys.js"></script>
</body>
</html>
`;

export const PASSKEY_PAGE_JS = `'use strict';
const apiKey = new URLSearchParams(location.hash.slice(1)).get('key') || '';
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: Object.assign({ authorization: 'Bearer ' + apiKey }, body ? { 'content-type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((json.error && json.error.code) || String(res.status));
  return json;
}
function text(id, value) { document.getElementById(id).textContent = value; }
document.getElementById('register').addEventListener('click', async () => {
  try {
    const options = await api('POST', '/v1/passkeys/registration-options', {});
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    const saved = await api('POST', '/v1/passkeys', { response: credential.toJSON() });
    text('register-status', 'registered ' + saved.credentialId);
  } catch (error) { text('register-status', 'error: ' + error.message); }
});
async function answer(id, decision) {
  try {
    const options = await api('POST', '/v1/purchase-requests/' + encodeURIComponent(id) + '/passkey-options', { decision });
    const assertion = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    const result = await api('POST', '/v1/purchase-requests/' + encodeURIComponent(id) + '/passkey-answer', {
      response: assertion.toJSON(),
    });
    text('status-' + id, result.status);
  } catch (error) { text('status-' + id, 'error: ' + error.message); }
}
async function refresh() {
  const list = document.getElementById('requests');
  const { requests } = await api('GET', '/v1/purchase-requests');
  list.replaceChildren();
  for (const r of requests) {
    const li = document.createElement('li');
    li.id = 'request-' + r.id;
    const pays = r.chargeMinor ? ' (you pay ' + r.chargeMinor + ' ' + r.chargeCurrency + ')' : '';
    li.append(r.description + ': ' + r.amountMinor + ' ' + r.currency + pays + ' ');
    for (const decision of ['affirm', 'decline']) {
      const button = document.createElement('button');
      button.textContent = decision;
      button.dataset.decision = decision;
      button.addEventListener('click', () => answer(r.id, decision));
      li.append(button, ' ');
    }
    const status = document.createElement('span');
    status.id = 'status-' + r.id;
    status.className = 'status';
    li.append(status);
    list.append(li);
  }
}
document.getElementById('refresh').addEventListener('click', () => refresh().catch(() => {}));
refresh().catch(() => {});
`;
