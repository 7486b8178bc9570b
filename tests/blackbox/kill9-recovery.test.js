// Black-box: kill -9 of scripts/run under load loses nothing that was acknowledged. After the
// restart (same journal under data/), every message that got submit_sm_resp 0 before the kill
// is delivered and its receipt reaches the client, which binds again after the restart.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, start, routerYaml } = require('./lib');

const procs = [];

function startRouter(configFile) {
  return start(path.join(ROOT, 'scripts', 'run'), ['--config', configFile], procs);
}

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

after(() => { for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL'); });

test('kill -9 under load: every acknowledged message is delivered and receipted after a restart', { timeout: 600000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-kill9-'));
  const [smppPort, httpPort, simPort] = [await freePort(), await freePort(), await freePort()];
  const base = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(dir, 'journal') });
  // the operator is a process of its own (it survives the router's crash, as a real SMSC does),
  // and slow, so that plenty is in flight when the router dies
  const cfg = path.join(dir, 'router.yaml');
  fs.writeFileSync(cfg, base.replace(/(simulator:\s*\n(?:\s*#.*\n)*\s*enabled:) true/, '$1 false'));
  assert.match(fs.readFileSync(cfg, 'utf8'), /enabled: false/, 'in-process simulator disabled');
  const sim = start(path.join(ROOT, 'scripts', 'smsc-sim'), ['--port', String(simPort), '--dlr-delay-ms', '300',
    '--submit-latency-ms', '20'], procs);
  await waitFor(() => /smsc-sim listening/.test(sim.out), 600000, 'smsc-sim start', () => sim.out);

  let r = startRouter(cfg);
  await waitFor(() => /router: smpp=/.test(r.out) && /bound to/.test(r.out), 600000, 'router start', () => r.out);

  const acked = new Set();
  const receipted = new Set();
  const onDeliver = (pdu) => { if (pdu.esm_class & 0x04) receipted.add(pdu.receipted_message_id); };
  const s1 = await bind(smppPort, onDeliver);
  s1.on('close', () => {});
  let stop = false;
  const sending = (async () => {
    let i = 0;
    while (!stop) {
      const batch = Array.from({ length: 50 }, () => new Promise((resolve) => {
        s1.submit_sm({ source_addr: 'Bulk', destination_addr: '7903' + String(1000000 + (i++)),
          short_message: 'kill -9 test', registered_delivery: 1 }, (pdu) => {
          if (pdu.command_status === 0) acked.add(pdu.message_id);
          resolve();
        });
        setTimeout(resolve, 3000); // no answer: the router died
      }));
      await Promise.all(batch);
    }
  })();
  await waitFor(() => acked.size >= 1500, 60000, '1500 acknowledged messages', () => r.out);
  r.proc.kill('SIGKILL');
  await r.exited;
  stop = true;
  await sending;
  s1.close();
  const ackedBeforeKill = new Set(acked);
  assert.ok(ackedBeforeKill.size >= 1500);

  r = startRouter(cfg);
  await waitFor(() => /router: smpp=/.test(r.out), 120000, 'router restart', () => r.out);
  assert.match(r.out, /recovery in \d+ ms from (checkpoint|the whole journal)[^\n]*\d+ journal excerpts replayed/);
  await bind(smppPort, onDeliver);
  await waitFor(() => [...ackedBeforeKill].every((id) => receipted.has(id)), 120000,
    () => `receipts for every acknowledged message (missing ${[...ackedBeforeKill].filter((id) => !receipted.has(id)).length} of ${ackedBeforeKill.size})`,
    () => r.out);
  r.proc.kill('SIGTERM');
  await r.exited;
  sim.proc.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});
