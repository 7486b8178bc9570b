// Black-box: authentication hardening (issue 9) of scripts/run, configured by hand the way an
// operator would: scripts/hash-secret hashes a password and an API key read from stdin, the config
// holds only the hashes and an allow-list, and the npm `smpp` package binds with the secrets. A
// second loopback address (127.0.0.2, routed to lo like all of 127/8) plays the attacker: refused
// by the allow-list, then rate-limited after 10 wrong passwords, while 127.0.0.1 binds at once.
// Finally the router's whole output is searched for the secrets.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const smpp = require('smpp');
const {
  ROOT, freePort, waitFor, start, routerYaml, tempDir, stopProcess, httpRequest,
} = require('./lib');

const PASSWORD = 'Hs7pw9Xy';
const API_KEY = 'k-hashed-7f3e21a9';
let dir;
let ports;
let router;
const procs = [];
let passwordHash;
let keyHash;

function hashSecret(secret) {
  const r = spawnSync(path.join(ROOT, 'scripts', 'hash-secret'), ['--iterations', '100000'],
    { cwd: ROOT, input: secret, encoding: 'utf8', timeout: 600000 });
  assert.strictEqual(r.status, 0, `scripts/hash-secret failed: ${r.stderr}`);
  const hash = r.stdout.trim();
  assert.match(hash, /^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the tool never prints the secret');
  return hash;
}

before(async () => {
  passwordHash = hashSecret(PASSWORD);
  keyHash = hashSecret(API_KEY);
  dir = tempDir('auth-');
  ports = { smppPort: await freePort(), httpPort: await freePort(), simPort: await freePort() };
  const yaml = routerYaml({ ...ports, journalDir: path.join(dir, 'journal') })
    .replace(/^accounts:\n/m, `accounts:\n  - id: fenced\n    password: "${passwordHash}"\n    apiKey: "${keyHash}"\n`
      + '    allowedIps: ["127.0.0.1/32", "::1"]\n');
  const config = path.join(dir, 'router.yaml');
  fs.writeFileSync(config, yaml);
  router = start(path.join(ROOT, 'scripts', 'run'), ['--config', config], procs);
  let exited = null;
  router.exited.then((e) => { exited = e; });
  await waitFor(() => exited !== null || (/router: smpp=/.test(router.out)
    && new RegExp(`bound to 127\\.0\\.0\\.1:${ports.simPort}`).test(router.out)), 600000,
  'the router to start', () => router.out);
  assert.strictEqual(exited, null, `the router exited at start:\n${router.out.slice(-4000)}`);
});

after(async () => {
  for (const p of procs) await stopProcess(p, 'SIGTERM', 30000);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** bind_transceiver with npm smpp from 127.0.0.1; resolves the bind_resp's command_status. */
function smppBind(systemId, password) {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ url: `smpp://127.0.0.1:${ports.smppPort}` }, () => {
      session.bind_transceiver({ system_id: systemId, password }, (pdu) => {
        session.close();
        resolve(pdu.command_status);
      });
    });
    session.on('error', reject);
  });
}

function cstring(s) {
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);
}

/** A bind_transceiver over a bare socket from `localAddress`; resolves { status, closed }. */
function rawBind(localAddress, systemId, password) {
  return new Promise((resolve, reject) => {
    const body = Buffer.concat([cstring(systemId), cstring(password), cstring(''), Buffer.from([0x34, 0, 0]),
      cstring('')]);
    const head = Buffer.alloc(16);
    head.writeUInt32BE(16 + body.length, 0);
    head.writeUInt32BE(0x00000009, 4);
    head.writeUInt32BE(0, 8);
    head.writeUInt32BE(1, 12);
    const sock = net.connect({ host: '127.0.0.1', port: ports.smppPort, localAddress });
    let got = Buffer.alloc(0);
    let status = null;
    const timer = setTimeout(() => { sock.destroy(); resolve({ status, closed: false }); }, 1500);
    sock.on('connect', () => sock.write(Buffer.concat([head, body])));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (status === null && got.length >= 16) {
        assert.strictEqual(got.readUInt32BE(4), 0x80000009, 'a bind_transceiver_resp');
        status = got.readUInt32BE(8);
        if (status !== 0x0D) { clearTimeout(timer); sock.destroy(); resolve({ status, closed: false }); }
      }
    });
    sock.on('close', () => { clearTimeout(timer); resolve({ status, closed: true }); });
    sock.on('error', (e) => { if (status === null) reject(e); });
  });
}

test('a hashed password binds and a wrong one is refused; the allow-list refuses another address', async () => {
  assert.strictEqual(await smppBind('fenced', PASSWORD), 0);
  assert.strictEqual(await smppBind('fenced', 'Hs7pw9Xz'), 0x0E);
  assert.strictEqual((await rawBind('127.0.0.2', 'fenced', PASSWORD)).status, 0x0D, 'outside allowedIps');
});

test('a hashed API key is accepted from its address and refused with 403 from another', async () => {
  const body = { from: 'Shop', to: '79161234567', text: 'hi' };
  const ok = await httpRequest(ports.httpPort, 'POST', '/api/v1/messages', { key: API_KEY, body });
  assert.strictEqual(ok.status, 202, ok.text);
  const wrong = await httpRequest(ports.httpPort, 'POST', '/api/v1/messages', { key: `${API_KEY}0`, body });
  assert.strictEqual(wrong.status, 401);
  const fenced = await new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = require('node:http').request({
      host: '127.0.0.1', port: ports.httpPort, method: 'POST', path: '/api/v1/messages', localAddress: '127.0.0.2',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json', 'Content-Length': data.length },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
  assert.strictEqual(fenced.status, 403);
  assert.strictEqual(JSON.parse(fenced.text).error.code, 'ip_not_allowed');
});

test('wrong-password binds from one address are cut off after 10 while another binds at once', async () => {
  // 127.0.0.2 already failed one bind above (the allow-list); 9 more reach the limit
  const answers = [];
  for (let i = 0; i < 30; i++) {
    answers.push(await rawBind('127.0.0.2', 'bulk', `nope${i}`));
  }
  const wrong = answers.filter((a) => a.status === 0x0E).length;
  const cut = answers.filter((a) => a.status === 0x0D);
  assert.strictEqual(wrong, 9, JSON.stringify(answers));
  assert.strictEqual(cut.length, 21);
  assert.ok(cut.every((a) => a.closed), 'the router closes the connection after a rate-limited refusal');
  const started = Date.now();
  assert.strictEqual(await smppBind('bulk', 'bulkpw'), 0, 'the good address still binds');
  assert.ok(Date.now() - started < 5000);
  await waitFor(() => /127\.0\.0\.2: 10 failed SMPP binds within a minute/.test(router.out), 5000,
    'the log line at the limit', () => router.out);
});

test('the router\'s output holds no secret and no hash', async () => {
  for (const s of [PASSWORD, API_KEY, passwordHash, keyHash, 'Hs7pw9Xz', 'bulkpw', 'k-bulk-1']) {
    assert.ok(!router.out.includes(s), `the router's output contains ${s.slice(0, 12)}...`);
  }
});
