// Black-box: repeated kill -9 of the router at random moments under load. Each round starts
// scripts/run on the same journal, lets a client send for a random 1-4 s, and SIGKILLs the JVM;
// after the last round the router runs once more until quiet. Every message the client saw
// acknowledged (submit_sm_resp 0) must have reached the operator at least once, and every
// acknowledged id must have had its receipt at the client. Duplicates are allowed
// (at-least-once) and counted.
//
// The operator is not our simulator but a tiny SMSC (operatorSmsc in lib.js) on the npm smpp package's
// server, in this test process: it survives the router's crashes as a real SMSC does, and it is
// an implementation we did not write. It records the text of each submit_sm (every client text
// carries a unique tag), answers with a fresh operator id, sends a receipt 50-200 ms later and
// sends it again on another or a later bind when it was not answered before its connection
// dropped.
//
// KILL9_ROUNDS=20 node --test kill9-rounds.test.js runs more rounds (default 5).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, start, routerYaml, operatorSmsc, textOf } = require('./lib');

const ROUNDS = Math.max(1, parseInt(process.env.KILL9_ROUNDS || '5', 10) || 5);
const WINDOW = 50; // submit_sm the client keeps unanswered
const RECEIPT_WAIT_MS = 60000;

const procs = [];
const closers = [];
let tmpDir = null;
let keepTmp = false;

after(async () => {
  for (const c of closers) { try { c(); } catch (e) { /* already closed */ } }
  for (const p of procs) {
    if (p.proc.exitCode === null && p.proc.signalCode === null) { p.proc.kill('SIGKILL'); await p.exited; }
  }
  if (tmpDir && !keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** The client: account bulk, a transceiver that keeps WINDOW submit_sm in flight while `sending`. */
function client(port) {
  const c = {
    acked: new Map(), // text -> router id
    ackedIds: new Map(), // router id -> text
    receipts: new Map(), // router id -> count
    receiptStats: new Map(), // stat -> count
    refused: new Map(), // command_status -> count
    sent: 0, sending: false, session: null, round: 0, n: 0,
  };
  let inflight = 0;
  const pump = () => {
    const s = c.session;
    while (c.sending && s && s === c.session && inflight < WINDOW) {
      const text = `k9 ${c.round}-${c.n++}`;
      inflight++;
      c.sent++;
      const ok = s.submit_sm({ source_addr: 'Bulk', destination_addr: '7903' + String(1000000 + (c.n % 9000000)),
        short_message: text, registered_delivery: 1 }, (pdu) => {
        if (s !== c.session) return;
        inflight--;
        if (pdu.command_status === 0) { c.acked.set(text, pdu.message_id); c.ackedIds.set(pdu.message_id, text); }
        else c.refused.set(pdu.command_status, (c.refused.get(pdu.command_status) || 0) + 1);
        pump();
      });
      if (!ok) { inflight--; break; }
    }
  };
  c.connect = () => new Promise((resolve, reject) => {
    const s = smpp.connect({ url: `smpp://127.0.0.1:${port}` }, () => {
      s.bind_transceiver({ system_id: 'bulk', password: 'bulkpw' }, (pdu) => {
        if (pdu.command_status !== 0) { reject(new Error(`bind status ${pdu.command_status}`)); return; }
        c.session = s;
        inflight = 0;
        resolve();
        pump();
      });
    });
    s.on('error', (e) => reject(e));
    s.on('close', () => { if (c.session === s) c.session = null; reject(new Error('closed before bind')); });
    s.on('enquire_link', (pdu) => s.send(pdu.response()));
    s.on('deliver_sm', (pdu) => {
      s.send(pdu.response());
      if (!(pdu.esm_class & 0x04)) return;
      const text = textOf(pdu);
      const id = pdu.receipted_message_id || (/id:(\S+)/.exec(text) || [])[1];
      c.receipts.set(id, (c.receipts.get(id) || 0) + 1);
      const stat = (/stat:(\S+)/.exec(text) || [])[1] || '?';
      c.receiptStats.set(stat, (c.receiptStats.get(stat) || 0) + 1);
    });
  });
  c.startSending = (round) => { c.round = round; c.n = 0; c.sending = true; pump(); };
  c.close = () => { if (c.session) c.session.destroy(); c.session = null; };
  return c;
}

test(`kill -9 at random moments, ${ROUNDS} rounds: every acknowledged message reaches the operator and its receipt the client`,
  { timeout: 120000 + ROUNDS * 60000 }, async () => {
    const t0 = Date.now();
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-kill9-rounds-'));
    const [smppPort, httpPort, opPort] = [await freePort(), await freePort(), await freePort()];
    // opA points at opPort (routerYaml rewrites every 2776); the in-process simulator is off
    const cfg = path.join(tmpDir, 'router.yaml');
    fs.writeFileSync(cfg, routerYaml({ smppPort, httpPort, simPort: opPort, journalDir: path.join(tmpDir, 'journal') })
      .replace(/(simulator:\s*\n(?:\s*#.*\n)*\s*enabled:) true/, '$1 false')
      // a recovery checkpoint every second, so that starts read one (and kills may land while one is written)
      .replace(/^(\s*)checkpointSeconds: \d+$/m, '$1checkpointSeconds: 1'));
    assert.match(fs.readFileSync(cfg, 'utf8'), /simulator:\s*\n(?:\s*#.*\n)*\s*enabled: false/, 'in-process simulator disabled');
    assert.match(fs.readFileSync(cfg, 'utf8'), /checkpointSeconds: 1\n/, 'checkpoints every second');

    const op = operatorSmsc(opPort);
    closers.push(op.close);
    await op.listening;
    const cl = client(smppPort);
    closers.push(cl.close);

    const outputs = []; // [label, router process]
    const tail = (n = 6000) => outputs.map(([label, p]) => `--- ${label} ---\n${p.out}`).join('\n').slice(-n);
    const startRouter = async (label) => {
      const r = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
      outputs.push([label, r]);
      // up, and both operator binds bound to our SMSC (a build may run first if sources changed)
      await waitFor(() => /router: smpp=/.test(r.out) && (r.out.match(/bound to /g) || []).length >= 2,
        300000, `router start (${label})`, () => r.out);
      // scripts/run execs java: the pid we will kill is the JVM itself, so no orphan keeps the ports
      const comm = fs.readFileSync(`/proc/${r.proc.pid}/comm`, 'utf8').trim();
      assert.strictEqual(comm, 'java', `pid ${r.proc.pid} of scripts/run is the JVM`);
      return r;
    };

    const roundLog = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const started = Date.now();
      const r = await startRouter(`round ${round}`);
      const up = Date.now();
      await cl.connect();
      const ackedBefore = cl.acked.size;
      cl.startSending(round);
      const loadMs = rand(1000, 4000);
      await sleep(loadMs);
      r.proc.kill('SIGKILL');
      const ex = await r.exited;
      assert.strictEqual(ex.signal, 'SIGKILL', `round ${round}: the router died of SIGKILL`);
      cl.sending = false;
      cl.close();
      roundLog.push(`round ${round}: start ${up - started} ms, load ${loadMs} ms, acked ${cl.acked.size - ackedBefore}`);
    }

    // the last start: no more load, let it deliver what it owes
    const r = await startRouter('final');
    await cl.connect();
    const lostAtOperator = () => [...cl.acked.keys()].filter((t) => !op.received.has(t));
    const noReceipt = () => [...cl.ackedIds.keys()].filter((id) => !cl.receipts.has(id));
    const deadline = Date.now() + RECEIPT_WAIT_MS;
    while (Date.now() < deadline && (lostAtOperator().length || noReceipt().length)) await sleep(250);
    // quiet: nothing new at the operator or the client for a second (late duplicates counted too)
    let last = '';
    for (let i = 0; i < 40; i++) {
      const now = `${op.submits}/${[...cl.receipts.values()].reduce((a, b) => a + b, 0)}/${op.receiptsAcked}`;
      if (now === last) break;
      last = now;
      await sleep(1000);
    }

    const receiptsTotal = [...cl.receipts.values()].reduce((a, b) => a + b, 0);
    const dupTexts = [...op.received.values()].filter((n) => n > 1).length;
    const dupReceipts = [...cl.receipts.values()].filter((n) => n > 1).length;
    const summary = `kill9-rounds: rounds=${ROUNDS} acked=${cl.acked.size} operator_received=${op.received.size} ` +
      `duplicates=${dupTexts} (texts the operator got more than once) receipts=${receiptsTotal} duplicate_receipts=${dupReceipts}`;
    // issue 3: starts after the first read a checkpoint and only the journal after it
    const fromCheckpoint = outputs.filter(([, p]) => /recovery in \d+ ms from checkpoint/.test(p.out)).length;
    const recoveries = outputs.map(([label, p]) => {
      const m = /recovery in (\d+) ms from (checkpoint|the whole journal)[^\n]*?(\d+) journal excerpts replayed[^\n]*?; (\d+) messages queued again/.exec(p.out);
      return `${label}: ${m ? `${m[1]} ms from ${m[2]}, ${m[3]} journal excerpts replayed, ${m[4]} queued again` : '?'}`;
    });
    console.log(recoveries.join('\n'));
    console.log(`kill9-rounds: starts from a checkpoint ${fromCheckpoint} of ${outputs.length}`);
    console.log(roundLog.join('\n'));
    console.log(`kill9-rounds: sent=${cl.sent} refused=${JSON.stringify(Object.fromEntries(cl.refused))} ` +
      `operator_submits=${op.submits} operator_binds=${op.binds} receipts_sent_by_operator=${op.receiptsSent} ` +
      `receipts_acked_by_router=${op.receiptsAcked} receipt_stats=${JSON.stringify(Object.fromEntries(cl.receiptStats))} ` +
      `delivered_not_acked=${[...op.received.keys()].filter((t) => !cl.acked.has(t)).length} ` +
      `unknown_receipt_ids=${[...cl.receipts.keys()].filter((id) => !cl.ackedIds.has(id)).length} ` +
      `elapsed=${((Date.now() - t0) / 1000).toFixed(1)}s`);
    console.log(summary);

    const lost = lostAtOperator();
    const missing = noReceipt();
    assert.ok(cl.acked.size > 0, 'the client got messages acknowledged');
    assert.ok(fromCheckpoint > 0, `some start recovered from a checkpoint:\n${recoveries.join('\n')}`);
    if (lost.length || missing.length) {
      keepTmp = true;
      const round = (t) => t.split(' ')[1].split('-')[0];
      const problems = [];
      if (lost.length) {
        problems.push(`${lost.length} acknowledged messages never reached the operator (rounds ` +
          `${[...new Set(lost.map(round))].join(',')}), e.g. ${lost.slice(0, 10).map((t) => `"${t}" (id ${cl.acked.get(t)})`).join(', ')}`);
      }
      if (missing.length) {
        problems.push(`${missing.length} acknowledged ids got no receipt within ${RECEIPT_WAIT_MS} ms (rounds ` +
          `${[...new Set(missing.map((id) => round(cl.ackedIds.get(id))))].join(',')}), e.g. ` +
          `${missing.slice(0, 10).map((id) => `${id} ("${cl.ackedIds.get(id)}", the operator got it ${op.received.get(cl.ackedIds.get(id)) || 0}x)`).join(', ')}`);
      }
      assert.fail(`${problems.join('; ')}.\nThe journal is kept: scripts/journal find <id> --dir ${path.join(tmpDir, 'journal')}\n` +
        `Router output, tail:\n${tail()}`);
    }

    r.proc.kill('SIGTERM');
    await r.exited;
  });
