// Black-box: consent for advertising (issue 13, SPEC §8) on scripts/run with conf/router.yaml moved
// to free ports, and the demo account bulk (promo traffic) given requireConsent: true. The npm
// `smpp` package (an SMPP stack we did not write) and plain HTTP: a promo message to a number
// without consent is refused (ROUTER_RNOCONSENT 0x413 / 403 no_consent), goes with a consent,
// is refused after the withdrawal (the number is opted out: 0x410), an OTP code goes throughout;
// after SIGTERM and a start on the same journal the consents and the withdrawal are still there,
// and scripts/journal prints the consent events.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const smpp = require('smpp');
const {
  ROOT, freePort, httpRequest, tempDir, startRouter, stopProcess,
} = require('./lib');

const BULK = 'k-bulk-1';
const WITH = '79161239901';
const WITHDRAWN = '79161239902';
const NONE = '79161239903';

let dir;
let ports;
let router;
const procs = [];
const sessions = [];

// bulk: promo traffic, any sender; now it needs a consent for promo messages
const requireConsent = (yaml) => {
  const out = yaml.replace(/(- id: bulk[^\n]*\n(?:[ ]{4}[^\n]*\n)*?[ ]{4}maxBinds: 8[^\n]*\n)/, '$1    requireConsent: true\n');
  if (out === yaml) throw new Error('conf/router.yaml: the bulk account no longer looks as this test expects');
  return out;
};

before(async () => {
  dir = tempDir('consent-');
  ports = { smppPort: await freePort(), httpPort: await freePort(), simPort: await freePort(), edit: requireConsent };
  router = await startRouter({ dir, ...ports }, procs);
});

after(async () => {
  for (const s of sessions) { try { s.close(); } catch (e) { /* closed */ } }
  for (const p of procs) await stopProcess(p, 'SIGTERM', 30000);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const api = (method, urlPath, body) => httpRequest(ports.httpPort, method, urlPath, { key: BULK, body });

function bind() {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ url: `smpp://127.0.0.1:${ports.smppPort}`, auto_enquire_link_period: 10000 }, () => {
      session.bind_transceiver({ system_id: 'bulk', password: 'bulkpw' }, (pdu) => {
        if (pdu.command_status !== 0) reject(new Error(`bind refused: ${pdu.command_status}`));
        else resolve(session);
      });
    });
    session.on('error', reject);
    session.on('deliver_sm', (pdu) => session.send(pdu.response()));
    sessions.push(session);
  });
}

/** submit_sm's command_status; priority_flag 0 is the account's class (promo), 3 an OTP code. */
function submit(session, to, priorityFlag, text) {
  return new Promise((resolve) => {
    session.submit_sm({ source_addr: 'Bulk', destination_addr: to, short_message: text, priority_flag: priorityFlag },
      (pdu) => resolve(pdu.command_status));
  });
}

test('promo needs a consent over SMPP and HTTP; a withdrawal opts the number out; OTP is never affected', async () => {
  const s = await bind();
  assert.strictEqual(await submit(s, NONE, 0, 'Sale'), 0x413, 'ROUTER_RNOCONSENT without consent');
  assert.strictEqual(await submit(s, NONE, 3, 'Code 4821'), 0, 'an OTP code needs no consent');
  const http403 = await api('POST', '/api/v1/messages', { from: 'Bulk', to: NONE, text: 'Sale' });
  assert.strictEqual(http403.status, 403, http403.text);
  assert.strictEqual(http403.json.error.code, 'no_consent');

  for (const msisdn of [WITH, WITHDRAWN]) {
    const r = await api('POST', '/api/v1/consents', {
      msisdn: `+${msisdn}`, source: 'web', evidence: 'signup form', givenAt: '2026-11-20T14:05:00+03:00',
    });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual(r.json.inForce, true);
  }
  assert.strictEqual(await submit(s, WITH, 0, 'Sale'), 0, 'with consent over SMPP');
  const http202 = await api('POST', '/api/v1/messages', { from: 'Bulk', to: WITH, text: 'Sale' });
  assert.strictEqual(http202.status, 202, http202.text);

  const bad = await api('POST', '/api/v1/consents', { msisdn: WITH, source: 'email' });
  assert.strictEqual(bad.status, 400);
  assert.strictEqual(bad.json.error.code, 'invalid_source');

  const w = await api('DELETE', `/api/v1/consents/${WITHDRAWN}?source=sms&evidence=STOP%20reply`);
  assert.strictEqual(w.status, 200, w.text);
  assert.strictEqual(w.json.withdrawals[0].hadConsent, true);
  assert.strictEqual(w.json.withdrawals[0].optedOut, true);
  assert.strictEqual(await submit(s, WITHDRAWN, 0, 'Sale'), 0x410, 'ROUTER_ROPTEDOUT after the withdrawal');
  assert.strictEqual(await submit(s, WITHDRAWN, 3, 'Code 4822'), 0, 'OTP is exempt from opt-outs');
  const after403 = await api('POST', '/api/v1/messages', { from: 'Bulk', to: WITHDRAWN, text: 'Sale' });
  assert.strictEqual(after403.json.error.code, 'opted_out');
});

test('consents and withdrawals survive a restart on the same journal, and scripts/journal prints them', async () => {
  await stopProcess(router, 'SIGTERM', 30000);
  const journal = path.join(dir, 'journal');
  const dump = execFileSync(path.join(ROOT, 'scripts', 'journal'), ['dump', '--dir', journal], { encoding: 'utf8' });
  const lines = dump.split('\n').filter((l) => /^consent/.test(l));
  assert.strictEqual(lines.length, 3, dump);
  assert.match(lines[2], new RegExp(`^consent_withdrawn 0 msisdn=${WITHDRAWN} account=bulk .*source=sms`));

  router = await startRouter({ dir, ...ports }, procs);
  const s = await bind();
  assert.strictEqual(await submit(s, WITH, 0, 'Sale again'), 0, 'the consent is kept');
  assert.strictEqual(await submit(s, WITHDRAWN, 0, 'Sale again'), 0x410, 'the withdrawal and its opt-out are kept');
  assert.strictEqual(await submit(s, NONE, 0, 'Sale again'), 0x413);
  const h = await api('GET', `/api/v1/consents/${WITHDRAWN}`);
  assert.strictEqual(h.status, 200, h.text);
  assert.deepStrictEqual(h.json.accounts[0].history.map((e) => e.type), ['consent', 'withdrawal']);
  assert.strictEqual(h.json.accounts[0].inForce.anySender, false);
  assert.strictEqual(h.json.accounts[0].optOuts[0].source, 'consent');
});
