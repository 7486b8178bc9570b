// Black-box: the journal's disk fills up under scripts/run. The router must refuse new messages
// with ESME_RMSGQFUL (0x14) and say why on /health (503), keep delivering what it acknowledged,
// and accept again by itself once there is room. The journal sits on a 160 MB tmpfs (mounting it
// needs root, as scripts/test has for apt) that a filler file brings under journal.minFreeMb.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, start, routerYaml } = require('./lib');

const procs = [];
const mounts = [];
const dirs = [];

after(async () => {
  for (const p of procs) {
    if (p.proc.exitCode === null) { p.proc.kill('SIGKILL'); await p.exited; }
  }
  for (const m of mounts) { try { execFileSync('umount', [m]); } catch (e) { /* already gone */ } }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function bind(port, onDeliver) {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ url: `smpp://127.0.0.1:${port}` }, () => {
      s.bind_transceiver({ system_id: 'bulk', password: 'bulkpw' }, (pdu) => {
        if (pdu.command_status === 0) resolve(s); else reject(new Error(`bind status ${pdu.command_status}`));
      });
    });
    s.on('error', () => {});
    s.on('deliver_sm', (pdu) => { s.send(pdu.response()); onDeliver(pdu); });
  });
}

/** Sends n submit_sm and resolves with their responses' [status, message_id]. */
function send(s, n, tag) {
  return Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
    s.submit_sm({ source_addr: 'Bulk', destination_addr: '7903' + String(1000000 + i),
      short_message: `disk full test ${tag} ${i}`, registered_delivery: 1 },
    (pdu) => resolve([pdu.command_status, pdu.message_id]));
  })));
}

async function health(port) {
  const r = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: r.status, body: await r.json() };
}

/** Polls /health until it answers `status`; resolves with the answer. */
async function healthBecomes(port, status, timeoutMs, log) {
  const deadline = Date.now() + timeoutMs;
  let h;
  while (Date.now() < deadline) {
    h = await health(port);
    if (h.status === status) return h;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/health still ${JSON.stringify(h)} after ${timeoutMs} ms, expected ${status}; output:\n${log().slice(-3000)}`);
}

test('journal disk full: 0x14 and /health 503, nothing acknowledged lost, accepting resumes', { timeout: 600000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-diskfull-'));
  dirs.push(dir);
  const mnt = path.join(dir, 'disk');
  fs.mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`this test puts the journal on a small tmpfs and must be able to mount one (run as root): ${e.message}`);
  }
  mounts.push(mnt);
  const [smppPort, httpPort, simPort] = [await freePort(), await freePort(), await freePort()];
  const cfg = path.join(dir, 'router.yaml');
  const yaml = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(mnt, 'journal') })
    .replace(/minFreeMb: 100/, 'minFreeMb: 40');
  assert.match(yaml, /minFreeMb: 40/);
  fs.writeFileSync(cfg, yaml);

  const r = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
  await waitFor(() => /router: smpp=/.test(r.out) && /bound to/.test(r.out), 600000, 'router start', () => r.out);
  assert.strictEqual((await health(httpPort)).status, 200);

  const receipted = new Set();
  const s = await bind(smppPort, (pdu) => { if (pdu.esm_class & 0x04) receipted.add(pdu.receipted_message_id); });
  const acked = new Set();
  for (const [status, id] of await send(s, 300, 'before')) {
    assert.strictEqual(status, 0, 'accepted while there is room');
    acked.add(id);
  }

  // leave 20 MB: under the 40 MB the router must keep
  const st = fs.statfsSync(mnt);
  const filler = path.join(mnt, 'filler');
  execFileSync('fallocate', ['-l', String(st.bavail * st.bsize - 20 * 1024 * 1024), filler]);
  const h = await healthBecomes(httpPort, 503, 10000, () => r.out);
  assert.strictEqual(h.body.status, 'DOWN');
  assert.match(h.body.reason, /MB free, under journal\.minFreeMb 40/);
  const refused = await send(s, 50, 'full');
  assert.deepStrictEqual([...new Set(refused.map(([status]) => status))], [0x14], 'every submit refused with ESME_RMSGQFUL');
  assert.match(r.out, /not accepting messages: the journal's disk/);

  fs.unlinkSync(filler);
  await healthBecomes(httpPort, 200, 10000, () => r.out);
  for (const [status, id] of await send(s, 300, 'after')) {
    assert.strictEqual(status, 0, 'accepted again once there is room');
    acked.add(id);
  }
  assert.match(r.out, /accepting messages again/);

  await waitFor(() => [...acked].every((id) => receipted.has(id)), 60000,
    () => `receipts of all ${acked.size} acknowledged messages (have ${receipted.size})`, () => r.out);
  s.close();
  r.proc.kill('SIGTERM');
  const exit = await r.exited;
  // the JVM exits with 143 after running its shutdown hooks on SIGTERM
  assert.ok(exit.code === 0 || exit.code === 143, `exit ${JSON.stringify(exit)}: ${r.out.slice(-2000)}`);
  assert.match(r.out, /stopped: accepted=600 /);

});
