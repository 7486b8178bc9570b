// Black-box: scripts/cluster (shared/SPEC.md §7) on this checkout. `up --nodes 2` starts three
// Kafka brokers, the simulator and two router nodes and prints where each node listens; the npm
// `smpp` package (an SMPP stack we did not write) binds to both nodes and gets a receipt for every
// message; a broker and a node are killed with kill -9 and started again with the script; `down
// --wipe` stops everything and removes the data. Runs in a temporary CLUSTER_DIR with the
// operator on a free port, so it touches neither data/cluster nor port 2776.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, routerYaml } = require('./lib');

const SCRIPT = path.join(ROOT, 'scripts', 'cluster');
let dir;
let env;
let config;
let nodes = {};
const sessions = [];

/** Runs scripts/cluster with args; resolves { code, out, err } (never rejects on a non-zero exit). */
function cluster(args, timeoutMs) {
  return new Promise((resolve) => {
    execFile(SCRIPT, args, { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, out: stdout, err: stderr });
    });
  });
}

function statusLines(out) {
  const m = {};
  for (const line of out.split('\n')) {
    const s = /^(node|broker|simulator|postgres) (\S+).* (up|down)$/.exec(line);
    if (s) m[s[1] === 'simulator' ? 'sim' : s[1] === 'postgres' ? 'pg' : s[2]] = s[3];
  }
  return m;
}

function bind(port) {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 10000 }, () => {
      session.bind_transceiver({ system_id: 'bulk', password: 'bulkpw' }, (pdu) => {
        if (pdu.command_status !== 0) reject(new Error(`bind to ${port}: status ${pdu.command_status}`));
        else resolve(session);
      });
    });
    session.on('error', reject);
    sessions.push(session);
  });
}

/** Receipts seen on any session (a receipt goes to any node where the account has a receiver). */
const receipted = new Map();
function collectReceipts(session) {
  session.on('deliver_sm', (pdu) => {
    session.send(pdu.response());
    if (pdu.esm_class & 0x04) receipted.set(pdu.receipted_message_id, pdu.message_state);
  });
}

function send(session, n, tag) {
  return Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
    session.submit_sm({
      source_addr: 'Bulk', destination_addr: '7916' + String(2000000 + i),
      short_message: `cluster ${tag} ${i}`, registered_delivery: 1,
    }, (pdu) => resolve(pdu));
  })));
}

async function sendAndAwaitReceipts(session, n, tag) {
  const responses = await send(session, n, tag);
  const ids = responses.map((r) => {
    assert.strictEqual(r.command_status, 0, `submit_sm_resp status (${tag})`);
    return r.message_id;
  });
  await waitFor(() => ids.every((id) => receipted.has(id)), 120000,
    () => `a receipt for each of the ${n} ids of ${tag} (have ${ids.filter((id) => receipted.has(id)).length})`);
  for (const id of ids) assert.strictEqual(receipted.get(id), 2, `DELIVERED for ${id}`);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-script-'));
  fs.chmodSync(dir, 0o755); // the postgres OS user runs PostgreSQL in it
  env = { ...process.env, CLUSTER_DIR: path.join(dir, 'cluster'), NODE_JAVA_OPTS: '-Xms64m -Xmx512m' };
  config = path.join(dir, 'router.yaml');
  // the shipped config with its operator (and so the standalone simulator) on a free port; the
  // script gives each node its own ports and journal
  fs.writeFileSync(config, routerYaml({ smppPort: 2775, httpPort: 8080, simPort: await freePort(),
    journalDir: path.join(dir, 'unused') }));
});

after(async () => {
  for (const s of sessions) { try { s.close(); } catch (e) { /* already closed */ } }
  await cluster(['down', '--wipe'], 120000);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('up --nodes 2 prints one line per node, and clients on both nodes get every receipt', { timeout: 900000 }, async () => {
  // the first run may build router-cluster.jar
  const up = await cluster(['up', '--nodes', '2', '--config', config], 840000);
  assert.strictEqual(up.code, 0, `scripts/cluster up failed:\n${up.out}\n${up.err}`);
  for (const m of up.out.matchAll(/^node (r\d+) smpp=127\.0\.0\.1:(\d+) http=127\.0\.0\.1:(\d+)$/gm)) {
    nodes[m[1]] = { smpp: Number(m[2]), http: Number(m[3]) };
  }
  assert.deepStrictEqual(Object.keys(nodes), ['r1', 'r2'], up.out);
  assert.deepStrictEqual(statusLines((await cluster(['status'], 60000)).out),
    { r1: 'up', r2: 'up', k1: 'up', k2: 'up', k3: 'up', pg: 'up', sim: 'up' });
  // every node's config points at the script's PostgreSQL (its port is the status line's)
  const pgPort = /^postgres 127\.0\.0\.1:(\d+) up$/m.exec((await cluster(['status'], 60000)).out)[1];
  for (const name of ['r1', 'r2']) {
    const yaml = fs.readFileSync(path.join(dir, 'cluster', name, 'router.yaml'), 'utf8');
    assert.match(yaml, new RegExp(`url: "?jdbc:postgresql://127\\.0\\.0\\.1:${pgPort}/router"?`), yaml);
    assert.match(yaml, /user: "?router"?/);
  }

  for (const name of ['r1', 'r2']) {
    const s = await bind(nodes[name].smpp);
    collectReceipts(s);
    nodes[name].session = s;
  }
  await Promise.all([sendAndAwaitReceipts(nodes.r1.session, 100, 'r1'), sendAndAwaitReceipts(nodes.r2.session, 100, 'r2')]);
});

test('a broker killed with kill -9: the nodes go on acknowledging and delivering; start brings it back', { timeout: 600000 }, async () => {
  const killed = await cluster(['kill', 'k1'], 60000);
  assert.strictEqual(killed.code, 0, killed.err);
  assert.match(killed.out, /^killed k1 \(pid \d+\)$/m);
  assert.strictEqual(statusLines((await cluster(['status'], 60000)).out).k1, 'down');
  await sendAndAwaitReceipts(nodes.r1.session, 100, 'k1-down');
  const started = await cluster(['start', 'k1'], 300000);
  assert.strictEqual(started.code, 0, started.err);
  assert.match(started.out, /^broker k1 kafka=127\.0\.0\.1:\d+ up/m);
  assert.strictEqual(statusLines((await cluster(['status'], 60000)).out).k1, 'up');
  // PostgreSQL likewise: kill -9, down, started again on its data
  const pgKilled = await cluster(['kill', 'pg'], 60000);
  assert.strictEqual(pgKilled.code, 0, pgKilled.err);
  assert.match(pgKilled.out, /^killed pg \(pid \d+\)$/m);
  assert.strictEqual(statusLines((await cluster(['status'], 60000)).out).pg, 'down');
  const pgStarted = await cluster(['start', 'pg'], 120000);
  assert.strictEqual(pgStarted.code, 0, pgStarted.err);
  assert.match(pgStarted.out, /^postgres 127\.0\.0\.1:\d+ up$/m);
});

test('a node killed with kill -9 starts again on its data and ports', { timeout: 600000 }, async () => {
  const killed = await cluster(['kill', 'r2'], 60000);
  assert.strictEqual(killed.code, 0, killed.err);
  assert.strictEqual(statusLines((await cluster(['status'], 60000)).out).r2, 'down');
  const started = await cluster(['start', 'r2'], 300000);
  assert.strictEqual(started.code, 0, started.err);
  assert.strictEqual(started.out.trim(), `node r2 smpp=127.0.0.1:${nodes.r2.smpp} http=127.0.0.1:${nodes.r2.http} up`);
  const again = await bind(nodes.r2.smpp);
  collectReceipts(again);
  await sendAndAwaitReceipts(again, 50, 'r2-again');
  // a name that is neither a node nor a broker is refused
  const bad = await cluster(['kill', 'x1'], 60000);
  assert.notStrictEqual(bad.code, 0);
  assert.match(bad.err, /expected a node \(r1, r2, \.\.\.\), a broker \(k1, k2, k3\) or pg, got x1/);
});

test('down --wipe stops every process and removes the data', { timeout: 300000 }, async () => {
  for (const s of sessions.splice(0)) { try { s.close(); } catch (e) { /* already closed */ } }
  const down = await cluster(['down', '--wipe'], 240000);
  assert.strictEqual(down.code, 0, down.err);
  assert.ok(!fs.existsSync(path.join(dir, 'cluster')), 'CLUSTER_DIR removed');
  assert.strictEqual((await cluster(['status'], 60000)).out.trim(), '');
});
