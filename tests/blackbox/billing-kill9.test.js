// Black-box: prepaid balances survive kill -9. The account `prepaid` of conf/router.yaml (2.00 a
// message to 7..., conf/prices.csv) sends as fast as its window allows while the admin tops it up
// once; the router is killed with SIGKILL in the middle of the run and started again on the same
// journal. Once everything has settled the figures must add up exactly (balance + reserved + spent
// == initial + topUps), every acknowledged message must have been paid for once, and nothing the
// router never accepted may have been charged: price x acked <= spent + reserved <=
// price x (acked + unanswered at the kill). Amounts are compared as integers of millionths.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, start, routerYaml, httpRequest, pollUntil, tempDir, stopProcess } = require('./lib');

const ADMIN = 'change-me'; // admin.token of conf/router.yaml
const PRICE = 2000000n; // prepaid,*,7,2.00 in conf/prices.csv, in millionths
const INITIAL = '1000.00'; // the shipped 100.00 lasts 50 messages; this run wants a few hundred
const TOP_UP = '10.00';
const WINDOW = 20; // submit_sm outstanding at once
const TOP_UP_AT = 150; // acknowledged messages before the top-up is sent
const KILL_AT = 300; // acknowledged messages before the kill

const procs = [];
after(() => { for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL'); });

/** "12.5", "100.00", "0.000001" -> millionths as a BigInt; fails on anything else. */
function units(s) {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(String(s));
  assert.ok(m, `an amount: ${s}`);
  return BigInt(m[1]) * 1000000n + BigInt((m[2] || '').padEnd(6, '0'));
}

function bind(port, onDeliver) {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ url: `smpp://127.0.0.1:${port}` }, () => {
      s.bind_transceiver({ system_id: 'prepaid', password: 'prepaid' }, (pdu) => {
        if (pdu.command_status === 0) resolve(s); else reject(new Error(`bind status ${pdu.command_status}`));
      });
    });
    s.on('error', () => {});
    s.on('deliver_sm', (pdu) => { s.send(pdu.response()); onDeliver(pdu); });
  });
}

test('kill -9 under load with a prepaid account: the balance adds up and every message is paid for once', { timeout: 600000 }, async () => {
  const dir = tempDir('router-billing-kill9-');
  const [smppPort, httpPort, simPort] = [await freePort(), await freePort(), await freePort()];
  const cfg = path.join(dir, 'router.yaml');
  const prepaid = /(- id: prepaid\b[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+balance:) 100\.00/;
  const shipped = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(dir, 'journal') });
  assert.match(shipped, prepaid, 'conf/router.yaml has the account prepaid with balance: 100.00');
  const yaml = shipped
    // the operator is a process of its own (it survives the router's crash, as a real SMSC does)
    .replace(/(simulator:\s*\n(?:\s*#.*\n)*\s*enabled:) true/, '$1 false')
    .replace(prepaid, `$1 ${INITIAL}`);
  assert.match(yaml, /simulator:\s*\n(?:\s*#.*\n)*\s*enabled: false/, 'in-process simulator disabled');
  fs.writeFileSync(cfg, yaml);
  // slow answers, so that plenty is reserved and in flight at the operator when the router dies
  const sim = start(path.join(ROOT, 'scripts', 'smsc-sim'), ['--port', String(simPort), '--submit-latency-ms', '200',
    '--dlr-delay-ms', '300'], procs);
  await waitFor(() => /smsc-sim listening/.test(sim.out), 600000, 'smsc-sim start', () => sim.out);

  const startRouter = async () => {
    const p = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
    await waitFor(() => p.proc.exitCode !== null || (/router: smpp=/.test(p.out) && /bound to/.test(p.out)), 600000,
      'router start', () => p.out);
    assert.strictEqual(p.proc.exitCode, null, `the router exited at start:\n${p.out.slice(-4000)}`);
    return p;
  };
  const balance = async () => {
    const r = await httpRequest(httpPort, 'GET', '/api/v1/balance?account=prepaid', { key: ADMIN });
    assert.strictEqual(r.status, 200, `GET /api/v1/balance: ${r.text}`);
    const b = {};
    for (const k of ['balance', 'reserved', 'spent', 'initial', 'topUps']) b[k] = units(r.json[k]);
    return b;
  };
  const show = (b) => Object.entries(b).map(([k, v]) => `${k}=${Number(v) / 1e6}`).join(' ');

  let r = await startRouter();
  const b0 = await balance();
  assert.strictEqual(b0.initial, units(INITIAL));

  const acked = new Set();
  const receipted = new Set();
  const refused = {}; // command_status -> count
  const pending = new Map(); // sequence -> true while unanswered
  let seq = 0;
  const onDeliver = (pdu) => { if (pdu.esm_class & 0x04) receipted.add(pdu.receipted_message_id); };
  /** One submit_sm; onAnswer gets its command_status, or is never called when the router dies first. */
  const submit = (s, onAnswer) => {
    const i = seq++;
    pending.set(i, true);
    s.submit_sm({ source_addr: 'Prepaid', destination_addr: '79' + String(100000000 + i),
      short_message: `billing kill -9 ${i}`, registered_delivery: 1 }, (pdu) => {
      pending.delete(i);
      if (pdu.command_status === 0) acked.add(pdu.message_id);
      else refused[pdu.command_status] = (refused[pdu.command_status] || 0) + 1;
      onAnswer(pdu.command_status);
    });
  };

  // ---- before the kill: a window of WINDOW submits, a top-up at TOP_UP_AT, SIGKILL at KILL_AT
  const s1 = await bind(smppPort, onDeliver);
  const s1closed = new Promise((resolve) => s1.on('close', resolve));
  let topUp = null; // { status } once answered
  let topUpSent = null;
  let killed = false;
  await new Promise((resolve, reject) => {
    const stalled = setTimeout(() => reject(new Error(`${acked.size} of ${KILL_AT} acknowledged after 60 s,`
      + ` refused ${JSON.stringify(refused)}:\n${r.out.slice(-4000)}`)), 60000);
    const next = () => {
      if (killed) return;
      if (acked.size >= TOP_UP_AT && !topUpSent) {
        topUpSent = httpRequest(httpPort, 'POST', '/api/v1/balance/topups',
          { key: ADMIN, body: { account: 'prepaid', amount: TOP_UP } })
          .then((res) => { topUp = { status: res.status, text: res.text }; }, () => {});
      }
      if (acked.size >= KILL_AT) {
        killed = true;
        r.proc.kill('SIGKILL');
        clearTimeout(stalled);
        resolve();
        return;
      }
      submit(s1, next);
    };
    for (let i = 0; i < WINDOW; i++) next();
  });
  await r.exited;
  await Promise.race([s1closed, new Promise((res) => setTimeout(res, 10000))]);
  await topUpSent;
  const ackedAtKill = acked.size;
  const unanswered = pending.size;
  pending.clear();
  s1.close();
  assert.ok(topUp === null || topUp.status === 200, `the top-up: ${topUp && topUp.text}`);
  assert.deepStrictEqual(refused, {}, 'no refusals before the balance ran out');

  // ---- after the restart: send until the balance no longer covers a message
  r = await startRouter();
  assert.match(r.out, /recovery in \d+ ms from (checkpoint|the whole journal)[^\n]*\d+ journal excerpts replayed/);
  const s2 = await bind(smppPort, onDeliver);
  let firstNoBalance = null;
  await new Promise((resolve, reject) => {
    let outstanding = 0;
    let stop = false;
    const next = () => {
      if (stop) { if (outstanding === 0) resolve(); return; }
      outstanding++;
      submit(s2, (status) => {
        outstanding--;
        if (status === 0x411) { stop = true; firstNoBalance = firstNoBalance || Date.now(); }
        else if (status !== 0) { stop = true; reject(new Error(`submit_sm_resp 0x${status.toString(16)} after the restart`)); }
        next();
      });
    };
    for (let i = 0; i < WINDOW; i++) next();
  });
  assert.ok(firstNoBalance, 'ROUTER_RNOBALANCE (0x411) once the balance ran out');
  assert.strictEqual(pending.size, 0, 'every submit after the restart answered');

  // ---- settle: nothing reserved, every acknowledged message receipted, one receipt per charge
  let last;
  await pollUntil(async () => {
    last = await balance();
    return last.reserved === 0n && [...acked].every((id) => receipted.has(id))
      && last.spent === PRICE * BigInt(receipted.size);
  }, 60000, () => `settling: ${show(last)}, receipts ${receipted.size}, acked ${acked.size}`
    + ` (missing ${[...acked].filter((id) => !receipted.has(id)).length})`, 200);
  const b = await balance();
  const extra = [...receipted].filter((id) => !acked.has(id)).length;
  // smsc-sim prints its counts every 5 s: the first line after the settling is final
  const settledAt = sim.out.length;
  const statsLine = /smsc-sim: submits=(\d+)/;
  await waitFor(() => statsLine.test(sim.out.slice(settledAt)), 15000, 'smsc-sim counts', () => sim.out);
  const operatorSubmits = Number(statsLine.exec(sim.out.slice(settledAt))[1]);
  console.log(`billing kill -9: acked ${ackedAtKill} before the kill (${unanswered} unanswered at the kill), `
    + `${acked.size - ackedAtKill} after the restart, refused ${JSON.stringify(refused)}, `
    + `top-up ${topUp ? topUp.status : 'unanswered'}, receipts ${receipted.size} (${extra} for unanswered submits), `
    + `submit_sm at the operator ${operatorSubmits}; ${show(b)}`);

  assert.strictEqual(b.balance + b.reserved + b.spent, b.initial + b.topUps,
    `balance + reserved + spent == initial + topUps: ${show(b)}`);
  assert.strictEqual(b.initial, units(INITIAL));
  if (topUp) assert.strictEqual(b.topUps, units(TOP_UP), 'the acknowledged top-up');
  else assert.ok(b.topUps === 0n || b.topUps === units(TOP_UP), `top-ups: ${show(b)}`);
  assert.strictEqual(b.reserved, 0n);
  assert.ok(PRICE * BigInt(acked.size) <= b.spent + b.reserved,
    `price x acked (${acked.size}) <= spent + reserved: ${show(b)}`);
  assert.ok(b.spent + b.reserved <= PRICE * BigInt(acked.size + unanswered),
    `spent + reserved <= price x (acked ${acked.size} + unanswered ${unanswered}): ${show(b)}`);
  assert.ok(operatorSubmits >= Number(b.spent / PRICE),
    `every message charged reached the operator: ${operatorSubmits} submit_sm for ${show(b)}`);
  assert.ok(extra <= unanswered, `receipts for ids never acknowledged (${extra}) <= unanswered (${unanswered})`);
  assert.ok(b.balance >= 0n && b.balance < PRICE, `refused for want of balance only below the price: ${show(b)}`);

  await stopProcess(r);
  await stopProcess(sim);
  fs.rmSync(dir, { recursive: true, force: true });
});
