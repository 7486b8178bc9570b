// Black-box: the HTTP message API (shared/SPEC.md §5) of scripts/run with conf/router.yaml moved to
// free ports and a temporary journal; the in-process operator simulator answers and sends receipts.
// A single message followed to DELIVERED, a bulk of 200 recipients with variables, stored templates,
// per-recipient errors, a callback receiver (failing once, so the retry shows), cancelling scheduled
// and held messages, every error code the shipped config can reach, and a message scheduled 3 s
// ahead that goes out after the router was stopped (SIGTERM) and started again on the same journal.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const {
  freePort, httpAgent, httpRequest, pollUntil, tempDir, startRouter, stopProcess,
} = require('./lib');

// conf/router.yaml: bulk has no moderation and no tps limit; shop allows only the sender Shop,
// holds texts with stop words (auto moderation) and has tps 500; otp is another account.
const BULK = 'k-bulk-1';
const SHOP = 'k-shop-1';
const OTP = 'k-otp-1';

let dir;
let ports;
let router;
let agent;
const procs = [];
let receiver;
let receiverPort;
const callbacks = []; // { path, body, answeredStatus }
const failOnce = new Set(); // ids whose first callback is answered 500
const known = {}; // ids the restart test looks at again: delivered, cancelled

before(async () => {
  dir = tempDir('http-api-');
  ports = { smppPort: await freePort(), httpPort: await freePort(), simPort: await freePort() };
  receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      let body = null;
      try { body = JSON.parse(data); } catch (e) { /* recorded as null */ }
      let status = 200;
      if (req.url === '/flaky' && body && failOnce.has(body.id)) {
        failOnce.delete(body.id);
        status = 500;
      }
      callbacks.push({ path: req.url, method: req.method, type: req.headers['content-type'], body, status });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'try again');
    });
  });
  receiverPort = await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(receiver.address().port)));
  router = await startRouter({ dir, ...ports }, procs);
  agent = httpAgent();
});

after(async () => {
  if (agent) agent.destroy();
  for (const p of procs) await stopProcess(p, 'SIGTERM', 30000);
  if (receiver) receiver.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const api = (method, urlPath, opts = {}) => httpRequest(ports.httpPort, method, urlPath, { agent, ...opts });
const send = (key, body) => api('POST', '/api/v1/messages', { key, body });
const get = (key, id) => api('GET', `/api/v1/messages/${id}`, { key });

/** Polls GET /api/v1/messages/{id} until its status is `status`; returns the last answer's JSON. */
async function until(key, id, status, timeoutMs = 15000) {
  let last;
  await pollUntil(async () => {
    const r = await get(key, id);
    last = r.json;
    return r.status === 200 && r.json.status === status;
  }, timeoutMs, () => `message ${id} to be ${status}; last answer ${JSON.stringify(last)}`);
  return last;
}

/** Asserts an error answer: the status, {"error":{"code","message"}} with that code and a message. */
function assertError(r, status, code, what) {
  assert.strictEqual(r.status, status, `${what}: HTTP status; body ${r.text}`);
  assert.ok(r.json && r.json.error, `${what}: an error object; body ${r.text}`);
  assert.strictEqual(r.json.error.code, code, `${what}: error code; body ${r.text}`);
  assert.ok(typeof r.json.error.message === 'string' && r.json.error.message.length > 0, `${what}: error message`);
}

/** ISO-8601 with a +03:00 offset (Moscow time) for an instant. */
function isoPlus3(ms) {
  const d = new Date(ms + 3 * 3600 * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:`
    + `${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}+03:00`;
}

test('a single message: 202 with id, parts and status, then GET follows it to DELIVERED with its history', async () => {
  const r = await send(BULK, { from: 'Shop', to: '+79161234567', text: 'Your order 1234 is ready for pickup' });
  assert.strictEqual(r.status, 202, r.text);
  assert.match(r.json.id, /^\d+$/);
  assert.strictEqual(r.json.parts, 1);
  assert.ok(['ACCEPTED', 'SUBMITTED', 'DELIVERED'].includes(r.json.status), r.text);
  const s = await until(BULK, r.json.id, 'DELIVERED');
  known.delivered = r.json.id;
  assert.strictEqual(s.id, r.json.id);
  assert.strictEqual(s.operator, 'opA');
  assert.strictEqual(s.error, 0);
  assert.strictEqual(s.parts, 1);
  assert.ok(Date.parse(s.acceptedAt) <= Date.parse(s.doneAt), `acceptedAt ${s.acceptedAt} <= doneAt ${s.doneAt}`);
  const events = s.history.map((e) => e.event);
  for (const e of ['accepted', 'submitted', 'delivered']) assert.ok(events.includes(e), `history has ${e}: ${events}`);
  assert.ok(events.indexOf('accepted') < events.indexOf('submitted')
    && events.indexOf('submitted') < events.indexOf('delivered'), `history in order: ${events}`);
  // another account's key does not see it
  assertError(await get(OTP, r.json.id), 404, 'not_found', 'GET with another account\'s key');
});

test('a bulk of 200 recipients with variables: one entry per recipient, rendered per recipient, all DELIVERED', async () => {
  const to = Array.from({ length: 200 }, (_, i) => ({
    to: `7916${String(2000000 + i)}`,
    vars: { name: `Client${i}`, order: 5000 + i },
  }));
  to[7].vars.name = 'Maximilian-'.repeat(20); // renders past 160 GSM chars: 2 parts
  to[8].vars.name = 'Анна'; // renders to Cyrillic: UCS-2, still 1 part
  to[9].vars.late = true; // takes the condition's branch
  const r = await send(BULK, {
    from: 'Shop', to, vars: { shop: 'Acme' },
    text: 'Hello {name}, your order {order} from {shop} is ready{if late | default:false}, sorry for the wait{end}.',
  });
  assert.strictEqual(r.status, 202, r.text);
  assert.ok(Array.isArray(r.json) && r.json.length === 200, `an array of 200 entries: ${r.text.slice(0, 300)}`);
  r.json.forEach((e, i) => {
    assert.strictEqual(e.to, to[i].to, `entry ${i} names its recipient`);
    assert.ok(!e.error, `entry ${i} accepted: ${JSON.stringify(e)}`);
    assert.match(e.id, /^\d+$/);
    assert.strictEqual(e.parts, i === 7 ? 2 : 1, `entry ${i} parts`);
  });
  assert.strictEqual(new Set(r.json.map((e) => e.id)).size, 200, 'every recipient got its own id');
  const pending = new Set(r.json.map((e) => e.id));
  await pollUntil(async () => {
    await Promise.all([...pending].map(async (id) => {
      const g = await get(BULK, id);
      if (g.json && g.json.status === 'DELIVERED') pending.delete(id);
    }));
    return pending.size === 0;
  }, 30000, () => `all 200 to be DELIVERED (${pending.size} not yet)`, 200);
  const ucs2 = await get(BULK, r.json[8].id);
  assert.match(ucs2.json.history.find((e) => e.event === 'accepted').detail, /UCS-2/, 'the Cyrillic name made it UCS-2');
  const gsm = await get(BULK, r.json[0].id);
  assert.match(gsm.json.history.find((e) => e.event === 'accepted').detail, /GSM/);
});

test('a list with bad recipients: 202, the good ones accepted, each bad one with its own error', async () => {
  const r = await send(BULK, {
    from: 'Shop', text: 'Hi {name}',
    to: [{ to: '79163000001', vars: { name: 'Ann' } }, '12ab', { to: '79163000002', vars: {} }, '79163000003'],
  });
  assert.strictEqual(r.status, 202, r.text);
  assert.strictEqual(r.json.length, 4, r.text);
  assert.match(r.json[0].id, /^\d+$/, r.text);
  assert.deepStrictEqual(r.json.map((e) => e.to), ['79163000001', '12ab', '79163000002', '79163000003']);
  assert.strictEqual(r.json[1].error.code, 'invalid_number', r.text);
  assert.strictEqual(r.json[2].error.code, 'template_error', `a variable missing: ${r.text}`);
  assert.strictEqual(r.json[3].error.code, 'template_error', `no vars at all: ${r.text}`);
  for (const e of r.json.slice(1)) assert.ok(!e.id && e.error.message, JSON.stringify(e));
});

test('stored templates: PUT, GET, send by name; unknown names and broken templates are refused', async () => {
  const put = await api('PUT', '/api/v1/templates/order-ready', {
    key: BULK, body: { text: 'Order {order} is ready, {name | default:"customer"}. Total {total | money:"RUB"}' },
  });
  assert.strictEqual(put.status, 201, put.text);
  const again = await api('PUT', '/api/v1/templates/order-ready', {
    key: BULK, body: { text: 'Order {order} is ready, {name | default:"customer"}.' },
  });
  assert.strictEqual(again.status, 200, `replacing answers 200: ${again.text}`);
  const got = await api('GET', '/api/v1/templates/order-ready', { key: BULK });
  assert.strictEqual(got.status, 200, got.text);
  assert.strictEqual(got.json.text, 'Order {order} is ready, {name | default:"customer"}.');
  assertError(await api('GET', '/api/v1/templates/order-ready', { key: OTP }), 404, 'unknown_template',
    'another account\'s template');
  const r = await send(BULK, { from: 'Shop', template: 'order-ready', to: [{ to: '79164000001', vars: { order: 77 } }] });
  assert.strictEqual(r.status, 202, r.text);
  assert.strictEqual(r.json[0].parts, 1, r.text);
  await until(BULK, r.json[0].id, 'DELIVERED');
  assertError(await send(BULK, { from: 'Shop', template: 'nope', to: '79164000002' }), 404, 'unknown_template',
    'an unknown template');
  assertError(await api('PUT', '/api/v1/templates/broken', { key: BULK, body: { text: 'Hi {name' } }), 400,
    'template_error', 'a template that does not compile');
  assertError(await send(BULK, { from: 'Shop', text: 'Hi {name', to: '79164000003', vars: { name: 'x' } }), 400,
    'template_error', 'an inline template that does not compile');
});

test('callbackUrl gets the final state; a failing receiver is retried', async () => {
  const r = await send(BULK, {
    from: 'Shop', to: '79165000001', text: 'callback me', callbackUrl: `http://127.0.0.1:${receiverPort}/flaky`,
  });
  assert.strictEqual(r.status, 202, r.text);
  failOnce.add(r.json.id); // may race with a fast receipt: then the first attempt simply succeeds
  const id = r.json.id;
  await pollUntil(() => callbacks.some((c) => c.body && c.body.id === id && c.status === 200), 15000,
    () => `a successful callback for ${id}; got ${JSON.stringify(callbacks)}`);
  const ok = callbacks.find((c) => c.body && c.body.id === id && c.status === 200);
  assert.strictEqual(ok.method, 'POST');
  assert.match(ok.type, /application\/json/);
  assert.strictEqual(ok.body.status, 'DELIVERED');
  assert.strictEqual(ok.body.error, 0);
  assert.strictEqual(ok.body.parts, 1);
  assert.strictEqual(ok.body.to, '79165000001');
  assert.strictEqual(ok.body.from, 'Shop');
  // the router records an attempt once it has read the receiver's answer
  let s;
  await pollUntil(async () => {
    s = (await get(BULK, id)).json;
    return s.callback && s.callback.attempts.some((a) => a.event === 'callback');
  }, 5000, () => `GET to list the successful callback: ${JSON.stringify(s)}`);
  assert.strictEqual(s.status, 'DELIVERED');
  assert.strictEqual(s.callback.url, `http://127.0.0.1:${receiverPort}/flaky`);
  const attempts = s.callback.attempts.map((a) => a.event);
  assert.strictEqual(attempts[attempts.length - 1], 'callback', JSON.stringify(s.callback));
  assert.match(s.callback.attempts[attempts.length - 1].detail, /HTTP 200/);
  const failed = callbacks.filter((c) => c.body && c.body.id === id && c.status === 500).length;
  assert.strictEqual(attempts.filter((a) => a === 'callback_failed').length, failed,
    `every failed attempt is listed: ${JSON.stringify(s.callback)}`);
});

test('DELETE cancels a scheduled and a held message; a delivered one is not_cancellable', async () => {
  const later = await send(BULK, { from: 'Shop', to: '79166000001', text: 'in an hour', scheduleAt: isoPlus3(Date.now() + 3600e3) });
  assert.strictEqual(later.status, 202, later.text);
  assert.strictEqual(later.json.status, 'SCHEDULED', later.text);
  const s = await get(BULK, later.json.id);
  assert.strictEqual(s.json.status, 'SCHEDULED');
  assert.ok(Math.abs(Date.parse(s.json.scheduledFor) - (Date.now() + 3600e3)) < 60e3, `scheduledFor ${s.json.scheduledFor}`);
  assertError(await api('DELETE', `/api/v1/messages/${later.json.id}`, { key: OTP }), 404, 'not_found',
    'DELETE with another account\'s key');
  const del = await api('DELETE', `/api/v1/messages/${later.json.id}`, { key: BULK });
  assert.strictEqual(del.status, 200, del.text);
  assert.strictEqual(del.json.status, 'CANCELLED');
  assert.strictEqual((await get(BULK, later.json.id)).json.status, 'CANCELLED');
  known.cancelled = later.json.id;
  assertError(await api('DELETE', `/api/v1/messages/${later.json.id}`, { key: BULK }), 409, 'not_cancellable',
    'cancelling twice');

  // shop has auto moderation: a stop word holds the message for a moderator
  const held = await send(SHOP, { from: 'Shop', to: '79166000002', text: 'Best online casino bonus' });
  assert.strictEqual(held.status, 202, held.text);
  assert.strictEqual(held.json.status, 'HELD', held.text);
  const delHeld = await api('DELETE', `/api/v1/messages/${held.json.id}`, { key: SHOP });
  assert.strictEqual(delHeld.status, 200, delHeld.text);
  assert.strictEqual((await get(SHOP, held.json.id)).json.status, 'CANCELLED');

  const done = await send(BULK, { from: 'Shop', to: '79166000003', text: 'quick one' });
  await until(BULK, done.json.id, 'DELIVERED');
  assertError(await api('DELETE', `/api/v1/messages/${done.json.id}`, { key: BULK }), 409, 'not_cancellable',
    'cancelling a delivered message');
});

test('every error the shipped config can produce: 400, 401, 403, 404, 405, 413, throttled recipients', async () => {
  const ok = { from: 'Shop', to: '79167000001', text: 'hello' };
  // 401
  assertError(await api('POST', '/api/v1/messages', { body: ok }), 401, 'unauthorized', 'no Authorization');
  assertError(await send('k-wrong', ok), 401, 'unauthorized', 'an unknown key');
  assertError(await api('POST', '/api/v1/messages', { body: ok, headers: { Authorization: 'Basic azpr' } }), 401,
    'unauthorized', 'not a Bearer key');
  assertError(await api('GET', '/api/v1/messages/1'), 401, 'unauthorized', 'GET without a key');
  assertError(await api('GET', '/api/v1/templates'), 401, 'unauthorized', 'templates without a key');
  // 400
  assertError(await api('POST', '/api/v1/messages', { key: BULK, raw: '{"from":"Shop","to":' }), 400, 'bad_json',
    'a truncated JSON body');
  assertError(await api('POST', '/api/v1/messages', { key: BULK, raw: '[1,2]' }), 400, 'bad_request',
    'a JSON array body');
  assertError(await send(BULK, { ...ok, to: '12ab' }), 400, 'invalid_number', 'letters in the number');
  assertError(await send(BULK, { ...ok, to: '1234' }), 400, 'invalid_number', 'a 4-digit number');
  assertError(await send(BULK, { ...ok, to: '1234567890123456' }), 400, 'invalid_number', 'a 16-digit number');
  assertError(await send(BULK, { to: ok.to, text: ok.text }), 400, 'missing_field', 'no from');
  assertError(await send(BULK, { from: 'Shop', text: ok.text }), 400, 'missing_field', 'no to');
  assertError(await send(BULK, { from: 'Shop', to: ok.to }), 400, 'bad_request', 'neither text nor template');
  assertError(await send(BULK, { ...ok, template: 'x' }), 400, 'bad_request', 'both text and template');
  assertError(await send(BULK, { ...ok, to: [] }), 400, 'bad_request', 'an empty recipient list');
  assertError(await send(BULK, { ...ok, text: '' }), 400, 'empty_text', 'an empty text');
  assertError(await send(BULK, { ...ok, from: 'MuchTooLongName' }), 400, 'invalid_sender', 'a 15-char sender name');
  assertError(await send(BULK, { ...ok, scheduleAt: 'tomorrow' }), 400, 'invalid_schedule', 'scheduleAt not ISO');
  assertError(await send(BULK, { ...ok, scheduleAt: '2030-01-01T10:00:00' }), 400, 'invalid_schedule',
    'scheduleAt without an offset');
  assertError(await send(BULK, { ...ok, callbackUrl: 'ftp://example.com/x' }), 400, 'invalid_callback',
    'a callback that is not http(s)');
  assertError(await send(BULK, { ...ok, text: 'x'.repeat(153 * 255 + 1) }), 400, 'text_too_long', '256 parts');
  // 403: shop may only send as Shop
  assertError(await send(SHOP, { ...ok, from: 'Other' }), 403, 'sender_not_allowed', 'a sender not allowed');
  // 404
  assertError(await get(BULK, '999999999'), 404, 'not_found', 'an id never given');
  assertError(await api('GET', '/api/v1/nothing-here', { key: BULK }), 404, 'not_found', 'an unknown path');
  // 405
  assertError(await api('PUT', '/api/v1/messages', { key: BULK, body: ok }), 405, 'method_not_allowed',
    'PUT /api/v1/messages');
  assertError(await api('POST', '/api/v1/messages/123', { key: BULK, body: ok }), 405, 'method_not_allowed',
    'POST /api/v1/messages/{id}');
  // 413: one more recipient than http.maxRecipients (10000)
  const many = Array.from({ length: 10001 }, (_, i) => `7916${8000000 + i}`);
  assertError(await send(BULK, { ...ok, to: many }), 413, 'too_many_recipients', '10001 recipients');
  // over the tps limit: shop's tps is 500 with a second's burst. 5000 recipients in one request
  // use it up: each one over it is refused with throttled, the others are accepted
  const t0 = Date.now();
  const bulk = await send(SHOP, { from: 'Shop', text: 'Your parcel is on its way',
    to: Array.from({ length: 5000 }, (_, i) => `7916${9000000 + i}`) });
  const seconds = (Date.now() - t0) / 1000;
  assert.strictEqual(bulk.status, 202, bulk.text.slice(0, 300));
  const throttled = bulk.json.filter((e) => e.error && e.error.code === 'throttled');
  const accepted = bulk.json.filter((e) => e.id).length;
  assert.strictEqual(throttled.length + accepted, 5000, 'each recipient accepted or throttled');
  assert.ok(throttled.length > 0 && accepted >= 450 && accepted <= 500 + 500 * seconds + 20,
    `500 + 500/s of 5000 accepted in ${seconds} s: ${accepted} accepted, ${throttled.length} throttled`);
  assert.ok(throttled[0].error.message, JSON.stringify(throttled[0]));
});

// 429 answers a single-recipient request over the account's tps. The shipped accounts allow 500/s
// (shop), 2000/s and unlimited, with a second's burst: a client must keep up more than 500 requests
// a second to see one, which a loaded 2-core test machine does not do reliably, so this is not
// tested through scripts/run (the throttled recipients of a bulk above are).
test.skip('429 with Retry-After for a single request over tps: no shipped account has a tps low enough');

test('a message scheduled 3 s ahead goes out after a restart (SIGTERM, start on the same journal), with its callback', async () => {
  const due = Date.now() + 3000;
  const r = await send(BULK, {
    from: 'Shop', to: '79169000001', text: 'scheduled across a restart', scheduleAt: isoPlus3(due),
    callbackUrl: `http://127.0.0.1:${receiverPort}/scheduled`,
  });
  assert.strictEqual(r.status, 202, r.text);
  assert.strictEqual(r.json.status, 'SCHEDULED', r.text);
  const id = r.json.id;
  const hour = await send(BULK, { from: 'Shop', to: '79169000002', text: 'x'.repeat(200), scheduleAt: isoPlus3(Date.now() + 3600e3) });
  assert.strictEqual(hour.status, 202, hour.text);
  const hourBefore = (await get(BULK, hour.json.id)).json;
  const before = await get(BULK, id);
  assert.strictEqual(before.json.status, 'SCHEDULED', before.text);
  assert.ok(Math.abs(Date.parse(before.json.scheduledFor) - due) < 1000, `scheduledFor ${before.json.scheduledFor}`);

  agent.destroy();
  const exit = await stopProcess(router, 'SIGTERM', 30000);
  assert.ok(exit.code === 0 || exit.code === 143 || exit.signal === 'SIGTERM', `graceful exit: ${JSON.stringify(exit)}`);
  assert.match(router.out, /stopped: accepted=/);
  assert.ok(!callbacks.some((c) => c.body && c.body.id === id), 'no callback before the restart');
  agent = httpAgent();
  router = await startRouter({ dir, ...ports }, procs);

  const s = await until(BULK, id, 'DELIVERED', 20000);
  assert.ok(Date.parse(s.doneAt) >= due - 100, `not delivered before its time: doneAt ${s.doneAt}, due ${new Date(due).toISOString()}`);
  await pollUntil(() => callbacks.some((c) => c.path === '/scheduled' && c.body && c.body.id === id), 15000,
    () => `the callback for ${id} after the restart; got ${JSON.stringify(callbacks.filter((c) => c.path === '/scheduled'))}`);
  const cb = callbacks.find((c) => c.path === '/scheduled' && c.body.id === id);
  assert.strictEqual(cb.body.status, 'DELIVERED');
  assert.strictEqual(cb.body.to, '79169000001');
  // what the router knew before the restart it still knows
  const hourAfter = (await get(BULK, hour.json.id)).json;
  assert.strictEqual(hourAfter.status, 'SCHEDULED', JSON.stringify(hourAfter));
  assert.strictEqual(hourAfter.scheduledFor, hourBefore.scheduledFor);
  assert.strictEqual(hourAfter.parts, 2);
  if (known.delivered) {
    const d = (await get(BULK, known.delivered)).json;
    assert.strictEqual(d.status, 'DELIVERED', `a message delivered before the restart: ${JSON.stringify(d)}`);
  }
  if (known.cancelled) {
    const c = (await get(BULK, known.cancelled)).json;
    assert.strictEqual(c.status, 'CANCELLED', `a message cancelled before the restart: ${JSON.stringify(c)}`);
  }
  // the stored template survived the restart too
  const t = await api('GET', '/api/v1/templates/order-ready', { key: BULK });
  assert.strictEqual(t.status, 200, t.text);
});
