// Black-box: a campaign survives kill -9. The router runs from scripts/run on a temporary config
// whose only operator is operatorSmsc (lib.js: the npm smpp package's server in this test
// process, so it outlives the router's crashes). A campaign of 3000 recipients is created over
// HTTP, each text carrying the recipient's number (a variable), at 400 messages a second; the JVM
// is SIGKILLed at a random moment while it sends, started again on the same data, 3 times; then it
// runs until the campaign is DONE and every receipt is in.
//
// What must hold:
//   - the campaign ends DONE, its report counts total = recipients and pending = 0;
//   - every recipient's text reached the operator;
//   - no recipient got two messages: the journal holds exactly one accepted message per recipient
//     (a second message would be a campaign bug: its progress line and journal note both missed);
//   - a text the operator got more than once is the same router message sent again after a crash,
//     which at-least-once delivery to the operator allows only when the router never recorded the
//     operator's answer to the earlier copy. Told apart like this: the operator answers each
//     submit_sm with a fresh id, and the router journals a 'submitted' event with that id once it
//     has the submit_sm_resp. An earlier copy whose id the router's journal holds was answered and
//     known to the router, so sending it again is a bug; an earlier copy whose id is not in the
//     journal never got (durably) to the router. Each copy must also come from a later router
//     process than the one before (the operator tags each bind with the process it belongs to).
//     Their number is printed beside kills x the router's window (binds x window of opA = 2 x 64)
//     but not held to it: the router also sends again copies the operator had answered (up to
//     ~1 s before the kill in our runs) but whose answer it had not read or journaled when it
//     died, so that bound is no invariant; the journal check above is the exact one. Printed too:
//     earlier copies whose receipt the router acknowledged on the same connection after their
//     submit_sm_resp (so it had read that answer), and how long before the kill they were answered;
//   - DELIVERED in the report = the recipients whose receipt (for the operator id the router
//     journaled) the operator sent and the router acknowledged.
//
// CAMPAIGN_KILL9_ROUNDS=10 node --test campaign-kill9.test.js runs more rounds (default 3).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFile } = require('node:child_process');
const { ROOT, freePort, waitFor, start, routerYaml, operatorSmsc, httpRequest, pollUntil } = require('./lib');

const ROUNDS = Math.max(1, parseInt(process.env.CAMPAIGN_KILL9_ROUNDS || '3', 10) || 3);
const RECIPIENTS = 3000;
const RATE = 400;
const KEY = 'k-bulk-1'; // account bulk of conf/router.yaml: no moderation, no sender list, no tps limit
const ROUTER_WINDOW = 2 * 64; // opA's binds x window in conf/router.yaml: submit_sm unanswered at most

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
const number = (i) => String(79031000000 + i);
const textFor = (msisdn) => `k9c offer for ${msisdn}`;

/** The journal as JSON events (scripts/journal dump --json), read after the router stopped. */
function journalEvents(dir) {
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'scripts', 'journal'), ['dump', '--json', '--dir', dir],
      { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) { reject(new Error(`scripts/journal dump failed: ${err.message}\n${stderr}`)); return; }
        resolve(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)));
      });
  });
}

test(`campaign of ${RECIPIENTS} recipients, kill -9 while it sends, ${ROUNDS} rounds: DONE, each recipient exactly once`,
  { timeout: 300000 + ROUNDS * 120000 }, async () => {
    const t0 = Date.now();
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-campaign-kill9-'));
    const [smppPort, httpPort, opPort] = [await freePort(), await freePort(), await freePort()];
    const journalDir = path.join(tmpDir, 'journal');
    const cfg = path.join(tmpDir, 'router.yaml');
    // opA points at opPort (routerYaml rewrites every 2776); the in-process simulator is off
    fs.writeFileSync(cfg, routerYaml({ smppPort, httpPort, simPort: opPort, journalDir })
      .replace(/(simulator:\s*\n(?:\s*#.*\n)*\s*enabled:) true/, '$1 false'));
    assert.match(fs.readFileSync(cfg, 'utf8'), /simulator:\s*\n(?:\s*#.*\n)*\s*enabled: false/, 'in-process simulator disabled');

    const op = operatorSmsc(opPort);
    closers.push(op.close);
    await op.listening;

    const outputs = [];
    const tail = (n = 6000) => outputs.map(([label, p]) => `--- ${label} ---\n${p.out}`).join('\n').slice(-n);
    const startRouter = async (label) => {
      op.generation++; // the binds of this process
      const r = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
      outputs.push([label, r]);
      await waitFor(() => r.proc.exitCode !== null
        || (/router: smpp=/.test(r.out) && (r.out.match(/bound to /g) || []).length >= 2),
      300000, `router start (${label})`, () => r.out);
      assert.strictEqual(r.proc.exitCode, null, `the router exited at start (${label}):\n${r.out.slice(-4000)}`);
      // scripts/run execs java: the pid we kill is the JVM itself
      const comm = fs.readFileSync(`/proc/${r.proc.pid}/comm`, 'utf8').trim();
      assert.strictEqual(comm, 'java', `pid ${r.proc.pid} of scripts/run is the JVM`);
      return r;
    };
    const api = (method, p, body) => httpRequest(httpPort, method, p, { key: KEY, body });
    const distinctReceived = () => op.received.size;

    const recipients = [];
    for (let i = 0; i < RECIPIENTS; i++) recipients.push({ to: number(i), vars: { n: number(i) } });
    const expected = new Set(recipients.map((r) => textFor(r.to)));

    const roundLog = [];
    let id = null;
    let kills = 0;
    const killTimes = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await startRouter(`round ${round}`);
      const submitsAtStart = op.submits;
      if (round === 1) {
        const res = await api('POST', '/api/v1/campaigns', {
          name: 'kill9', category: 'transactional', from: 'Shop', text: 'k9c offer for {n}', rate: RATE, recipients,
        });
        assert.strictEqual(res.status, 201, res.text);
        assert.strictEqual(res.json.recipients, RECIPIENTS);
        id = res.json.id;
      }
      // sending (again): the operator sees new submit_sm
      await waitFor(() => op.submits > submitsAtStart, 30000, `round ${round}: the campaign sending`, () => r.out);
      // kill somewhere in what is left, keeping some for the later rounds and the final run
      const leftMs = ((RECIPIENTS - distinctReceived()) / RATE) * 1000;
      const killAfterMs = rand(100, Math.max(150, Math.floor(leftMs / (ROUNDS - round + 2))));
      await sleep(killAfterMs);
      const atKill = distinctReceived();
      killTimes.push(Date.now());
      r.proc.kill('SIGKILL');
      const ex = await r.exited;
      assert.strictEqual(ex.signal, 'SIGKILL', `round ${round}: the router died of SIGKILL`);
      kills++;
      assert.ok(atKill < RECIPIENTS, `round ${round}: killed while the campaign was still sending (${atKill} of ${RECIPIENTS} at the operator)`);
      roundLog.push(`round ${round}: killed ${killAfterMs} ms after sending resumed, ${atKill} recipients at the operator, ${op.submits} submit_sm`);
    }

    // the last start: let it finish
    const r = await startRouter('final');
    // DONE with every receipt in; when that does not come, the checks below say what is wrong
    let report = null;
    await pollUntil(async () => {
      const res = await api('GET', `/api/v1/campaigns/${id}`);
      report = res.json;
      return res.status === 200 && report.status === 'DONE' && report.states.DELIVERED >= RECIPIENTS;
    }, 120000, `campaign ${id} DONE with every receipt`, 250).catch(() => {});
    // quiet: nothing new at the operator for a second
    let last = '';
    for (let i = 0; i < 30; i++) {
      const now = `${op.submits}/${op.receiptsAcked}`;
      if (now === last) break;
      last = now;
      await sleep(1000);
    }
    report = (await api('GET', `/api/v1/campaigns/${id}`)).json;
    const listed = (await api('GET', '/api/v1/campaigns')).json;
    r.proc.kill('SIGTERM');
    await r.exited;

    // what the router journaled: accepted messages (one per recipient) and operator ids it got back
    const events = await journalEvents(journalDir);
    const acceptedByTo = new Map(); // number -> [router id]
    const routerIdOfText = new Map();
    const journaledOpIds = new Map(); // operator id -> router id
    const opIdsOf = new Map(); // router id -> operator ids journaled, in order
    let notes = 0;
    for (const e of events) {
      if (e.event === 'accepted' && e.account === 'bulk') {
        acceptedByTo.set(e.to, [...(acceptedByTo.get(e.to) || []), e.id]);
        routerIdOfText.set(e.text, e.id);
      } else if (e.event === 'submitted') {
        journaledOpIds.set(e.upstream_id, e.id);
        opIdsOf.set(e.id, [...(opIdsOf.get(e.id) || []), e.upstream_id]);
      } else if (e.campaign !== undefined) {
        notes++;
      }
    }

    // the operator's copies per text, in order
    const copies = new Map(); // text -> [submitLog entry]
    for (const s of op.submitLog) copies.set(s.text, [...(copies.get(s.text) || []), s]);
    const dupTexts = [...copies.entries()].filter(([, l]) => l.length > 1).map(([t, l]) => [t, l.map((c) => c.opId), l]);
    const resends = dupTexts.reduce((a, [, ids]) => a + ids.length - 1, 0);
    // a resend is explained when the router never journaled the operator's id of any earlier copy
    const unexplained = dupTexts.filter(([, ids]) => ids.slice(0, -1).some((o) => journaledOpIds.has(o)));
    // ... and each copy came from a later router process than the one before (a crash in between)
    const sameProcess = dupTexts.filter(([, , l]) => l.some((c, i) => i > 0 && c.generation <= l[i - 1].generation));
    // earlier copies whose receipt the router acknowledged on the connection that carried their
    // submit_sm_resp before it (TCP keeps the order): the router had read that answer, and did not
    // journal it before it died (informative, not asserted)
    const earlier = dupTexts.flatMap(([, , l]) => l.slice(0, -1));
    const readButResent = earlier.filter((c) => (op.receiptAckInfo.get(c.opId) || {}).sameSession);
    // how long before the kill of its router process the operator had answered an earlier copy
    // (negative: bytes still in flight when the process died; informative, not asserted)
    const lagMs = earlier.map((c) => killTimes[c.generation - 1] - c.at).sort((a, b) => a - b);
    const missing = [...expected].filter((t) => !op.received.has(t));
    const strangers = [...op.received.keys()].filter((t) => !expected.has(t));
    const twoMessages = [...acceptedByTo.entries()].filter(([, ids]) => ids.length > 1);
    // DELIVERED: recipients whose journaled operator id had its receipt acknowledged by the router
    let receiptsMatched = 0;
    for (const t of expected) {
      const rid = routerIdOfText.get(t);
      const ids = rid === undefined ? [] : opIdsOf.get(rid) || [];
      if (ids.some((o) => op.receiptAcked.has(o))) receiptsMatched++;
    }

    console.log(roundLog.join('\n'));
    console.log(`campaign-kill9: rounds=${ROUNDS} recipients=${RECIPIENTS} operator_submits=${op.submits} ` +
      `operator_texts=${op.received.size} resent_texts=${dupTexts.length} resends=${resends} ` +
      `unexplained_resends=${unexplained.length} resends_without_crash=${sameProcess.length} ` +
      `resent_after_their_answer_was_read=${readButResent.length} ` +
      `(kills x window ${kills}x${ROUTER_WINDOW}=${kills * ROUTER_WINDOW}) answered_before_kill_ms(min/median/max)=` +
      `${lagMs.length ? `${lagMs[0]}/${lagMs[Math.floor(lagMs.length / 2)]}/${lagMs[lagMs.length - 1]}` : '-'} ` +
      `recovered_from_journal_notes=${outputs.reduce((n, [, p]) => n + (p.out.match(/before the crash \(found in the journal\)/g) || []).length, 0)} ` +
      `journal_accepted=${[...acceptedByTo.values()].reduce((a, l) => a + l.length, 0)} campaign_notes=${notes} ` +
      `receipts_sent=${op.receiptsSent} receipts_acked=${op.receiptsAcked} receipts_matched=${receiptsMatched} ` +
      `report=${JSON.stringify({ status: report.status, total: report.total, pending: report.pending, states: report.states })} ` +
      `elapsed=${((Date.now() - t0) / 1000).toFixed(1)}s`);

    const problems = [];
    if (report.status !== 'DONE') problems.push(`status ${report.status}, expected DONE`);
    if (report.total !== RECIPIENTS) problems.push(`report total ${report.total}, expected ${RECIPIENTS}`);
    if (report.pending !== 0) problems.push(`report pending ${report.pending}, expected 0`);
    if (missing.length) problems.push(`${missing.length} recipients never reached the operator, e.g. ${missing.slice(0, 5).join(' | ')}`);
    if (strangers.length) problems.push(`${strangers.length} texts the campaign did not send, e.g. ${strangers.slice(0, 5).join(' | ')}`);
    if (acceptedByTo.size !== RECIPIENTS) problems.push(`the journal has messages for ${acceptedByTo.size} recipients, expected ${RECIPIENTS}`);
    if (twoMessages.length) {
      problems.push(`${twoMessages.length} recipients got two messages (two accepted ids in the journal), e.g. ` +
        twoMessages.slice(0, 5).map(([to, ids]) => `${to}: ${ids.join(',')}`).join('; '));
    }
    if (unexplained.length) {
      problems.push(`${unexplained.length} texts were sent again although the router had journaled the operator's answer ` +
        `to an earlier copy, e.g. ${unexplained.slice(0, 5).map(([t, ids]) => `"${t}": ${ids.join(',')}`).join('; ')}`);
    }
    if (sameProcess.length) {
      problems.push(`${sameProcess.length} texts reached the operator twice from the same router process (no crash ` +
        `in between), e.g. ${sameProcess.slice(0, 5).map(([t, ids]) => `"${t}": ${ids.join(',')}`).join('; ')}`);
    }
    if (report.states.DELIVERED !== receiptsMatched) {
      problems.push(`report DELIVERED ${report.states.DELIVERED}, but the router acknowledged receipts for ${receiptsMatched} recipients`);
    }
    if (report.delivered !== report.states.DELIVERED) problems.push(`report delivered ${report.delivered} != states.DELIVERED`);
    const inList = Array.isArray(listed) && listed.find((c) => c.id === id);
    if (!inList || inList.status !== 'DONE' || inList.recipients !== RECIPIENTS) {
      problems.push(`GET /api/v1/campaigns lists ${JSON.stringify(inList)}`);
    }
    if (problems.length) {
      keepTmp = true;
      assert.fail(`${problems.join(';\n')}\nKept: ${tmpDir} (scripts/journal dump --dir ${journalDir}; campaigns/${id}/progress.log)\n` +
        `Router output, tail:\n${tail()}`);
    }
  });
