// Helpers shared by the black-box tests: free ports, polling, child processes, and a copy of
// conf/router.yaml moved to free ports and a temporary journal.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const net = require('node:net');

const ROOT = path.resolve(__dirname, '..', '..');

const portsHandedOut = new Set();

/**
 * A free TCP port on 127.0.0.1, never one this process was given before: the kernel may hand a
 * port it just gave (and that was closed again) out once more, and a test asks for several at
 * once (a CI run once got the same port for a router's HTTP listener and its simulator, and the
 * router rightly refused the configuration).
 */
async function freePort() {
  for (;;) {
    const port = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => { const { port: p } = srv.address(); srv.close(() => resolve(p)); });
    });
    if (!portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
}

/** Polls until predicate() holds; `what` (a string or a function) and `log()` explain a timeout. */
function waitFor(predicate, timeoutMs, what, log) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (predicate()) { clearInterval(timer); resolve(); }
      else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        const desc = typeof what === 'function' ? what() : what;
        reject(new Error(`timed out waiting for ${desc}; output:\n${(log ? log() : '').slice(-4000)}`));
      }
    }, 50);
  });
}

/** Starts a process from the project root, collecting its output in `.out`; `.exited` resolves on exit. */
function start(cmd, args, procs) {
  const p = { out: '' };
  p.proc = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  p.proc.stdout.on('data', (d) => { p.out += d; });
  p.proc.stderr.on('data', (d) => { p.out += d; });
  p.proc.on('error', (e) => { p.out += String(e); });
  p.exited = new Promise((resolve) => p.proc.on('exit', (code, signal) => resolve({ code, signal })));
  if (procs) procs.push(p);
  return p;
}

/** conf/router.yaml with the SMPP, HTTP and simulator ports and the journal dir replaced. */
function routerYaml({ smppPort, httpPort, simPort, journalDir }) {
  const yaml = fs.readFileSync(path.join(ROOT, 'conf', 'router.yaml'), 'utf8')
    .replace(/^(\s*)port: 2775$/m, `$1port: ${smppPort}`)
    .replace(/^(\s*)port: 8080$/m, `$1port: ${httpPort}`)
    .replace(/port: 2776/g, `port: ${simPort}`)
    .replace(/dir: data\/journal/, `dir: ${journalDir}`)
    // promo messages (campaigns of any account) wait for the recipient's sending window; these tests
    // must not depend on the hour they run at, so every account sends at any time here, as the
    // shipped bulk account does already; quiet hours themselves are tested in Java with a fixed clock
    .replace(/^(\s*)apiKey: (k-(?!bulk-)[\w-]+)(.*)$/gm, '$1apiKey: $2$3\n$1sendingWindow: any');
  if (!yaml.includes(`port: ${smppPort}`) || !yaml.includes(`port: ${simPort}`) || !yaml.includes(journalDir)
      || !yaml.includes('sendingWindow: any')) {
    throw new Error('conf/router.yaml no longer has the keys these tests rewrite');
  }
  return yaml;
}

module.exports = { ROOT, freePort, waitFor, start, routerYaml };

// ---- helpers for the HTTP API tests (http-api, http-encoding) ----

const http = require('node:http');
const os = require('node:os');

/** A keep-alive agent for many requests to one router. */
function httpAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: 64 });
}

/**
 * One HTTP request to 127.0.0.1:port: `body` is sent as JSON unless `raw` (a string) is given;
 * `key` becomes `Authorization: Bearer <key>`. Resolves { status, headers, text, json } (json is
 * null when the body is not JSON).
 */
function httpRequest(port, method, urlPath, { key, body, raw, headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const data = raw !== undefined ? Buffer.from(raw) : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
    const h = { ...headers };
    if (key !== undefined) h.Authorization = `Bearer ${key}`;
    if (data) { h['Content-Type'] = h['Content-Type'] || 'application/json'; h['Content-Length'] = data.length; }
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: h, agent: agent || false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Async polling: calls `probe()` every `everyMs` until it returns a truthy value, which it resolves with. */
async function pollUntil(probe, timeoutMs, what, everyMs = 100) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A temporary directory for one test file (journal, templates, config, captures). */
function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts `scripts/run --config <dir>/router.yaml` (conf/router.yaml moved to the given ports, journal
 * in <dir>/journal, so templates go to <dir>/templates) and waits until it printed its addresses and
 * an operator bind to the in-process simulator is up; `edit`, when given, changes the YAML text
 * first. Returns the process record of start().
 */
async function startRouter({ dir, smppPort, httpPort, simPort, edit }, procs, timeoutMs = 600000) {
  const config = path.join(dir, 'router.yaml');
  const yaml = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(dir, 'journal') });
  fs.writeFileSync(config, edit ? edit(yaml) : yaml);
  const p = start(path.join(ROOT, 'scripts', 'run'), ['--config', config], procs);
  let exited = null;
  p.exited.then((e) => { exited = e; });
  const ready = () => exited !== null || (/router: smpp=/.test(p.out)
    && new RegExp(`bound to 127\\.0\\.0\\.1:${simPort}`).test(p.out));
  // the first run may build the jars
  await waitFor(ready, timeoutMs, 'the router to start and bind to its simulator', () => p.out);
  if (exited !== null) {
    throw new Error(`the router exited at start (${JSON.stringify(exited)}):\n${p.out.slice(-4000)}`);
  }
  return p;
}

/** Sends `signal` to a process started by start() and waits for its exit (SIGKILL after timeoutMs). */
async function stopProcess(p, signal = 'SIGTERM', timeoutMs = 30000) {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return p && p.exited;
  p.proc.kill(signal);
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => { p.proc.kill('SIGKILL'); resolve(null); }, timeoutMs); });
  const r = await Promise.race([p.exited, late]);
  clearTimeout(timer);
  return r || p.exited;
}

module.exports.httpAgent = httpAgent;
module.exports.httpRequest = httpRequest;
module.exports.pollUntil = pollUntil;
module.exports.tempDir = tempDir;
module.exports.startRouter = startRouter;
module.exports.stopProcess = stopProcess;

// ---- an operator SMSC that outlives the router (kill9-rounds, campaign-kill9) ----

const smpp = require('smpp');

/** The text of a submit_sm or deliver_sm: short_message, else message_payload (latin1 for bytes). */
function textOf(pdu) {
  const v = pdu.short_message && (pdu.short_message.message !== undefined ? pdu.short_message.message : pdu.short_message);
  const t = Buffer.isBuffer(v) ? v.toString('latin1') : String(v || '');
  if (t) return t;
  const p = pdu.message_payload;
  if (!p) return '';
  const pv = p.message !== undefined ? p.message : p;
  return Buffer.isBuffer(pv) ? pv.toString('latin1') : String(pv);
}

/**
 * The operator: an SMSC on the npm smpp server, in the test process, so that it survives the
 * router's crashes as a real SMSC does. Every submit_sm is answered with a fresh operator id and
 * gets a DELIVRD receipt 50-200 ms later, sent on any bound session and sent again when its
 * session closed before the router answered it.
 *
 * Records: received (text -> times received), submitLog (one {text, to, opId, at, generation} per
 * submit_sm, in order; `generation` is op.generation when its session was bound, which a test
 * raises before each start of the router, so it tells which router process sent it),
 * receiptAcked (operator ids whose receipt the router answered with status 0), receiptAckInfo
 * (operator id -> {at, sameSession}: when, and whether on the connection its submit_sm came on,
 * after its submit_sm_resp), and the counts submits, receiptsSent, receiptsAcked, binds.
 */
function operatorSmsc(port) {
  const op = {
    received: new Map(), submitLog: [], receiptAcked: new Set(), receiptAckInfo: new Map(),
    submits: 0, receiptsSent: 0, receiptsAcked: 0, binds: 0, pending: [], bound: [], generation: 0,
  };
  let nextId = 0;
  let rr = 0;
  const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
  const pump = () => {
    while (op.pending.length && op.bound.length) {
      const r = op.pending.shift();
      const s = op.bound[rr++ % op.bound.length];
      const pdu = new smpp.PDU('deliver_sm', {
        source_addr: r.to, destination_addr: r.from, esm_class: 0x04, data_coding: 0,
        short_message: `id:${r.opId} sub:001 dlvrd:001 submit date:2611260000 done date:2611260000 stat:DELIVRD err:000 text:`,
        receipted_message_id: r.opId, message_state: 2,
      });
      s.outstanding.add(r);
      op.receiptsSent++;
      const ok = s.send(pdu, (resp) => {
        if (!s.outstanding.delete(r)) return; // already given back when the session closed
        if (resp.command_status === 0) {
          op.receiptsAcked++;
          op.receiptAcked.add(r.opId);
          op.receiptAckInfo.set(r.opId, { at: Date.now(), sameSession: s === r.session });
        }
        else setTimeout(() => { op.pending.push(r); pump(); }, 200);
      });
      if (!ok) { s.outstanding.delete(r); op.pending.unshift(r); op.bound.splice(op.bound.indexOf(s), 1); }
    }
  };
  const server = smpp.createServer((s) => {
    s.outstanding = new Set();
    s.on('error', () => {});
    const onBind = (pdu) => {
      s.generation = op.generation;
      s.send(pdu.response({ system_id: 'k9smsc' }));
      op.binds++;
      op.bound.push(s);
      pump();
    };
    s.on('bind_transceiver', onBind);
    s.on('bind_transmitter', onBind);
    s.on('bind_receiver', onBind);
    s.on('enquire_link', (pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu) => { s.send(pdu.response()); s.close(); });
    s.on('submit_sm', (pdu) => {
      const text = textOf(pdu);
      op.submits++;
      op.received.set(text, (op.received.get(text) || 0) + 1);
      const opId = `op${(++nextId).toString(16).padStart(8, '0')}`;
      op.submitLog.push({ text, to: pdu.destination_addr, opId, at: Date.now(), generation: s.generation });
      s.send(pdu.response({ message_id: opId }));
      const r = { opId, from: pdu.source_addr, to: pdu.destination_addr, session: s };
      setTimeout(() => { op.pending.push(r); pump(); }, rand(50, 200));
    });
    s.on('close', () => {
      const i = op.bound.indexOf(s);
      if (i >= 0) op.bound.splice(i, 1);
      for (const r of s.outstanding) op.pending.push(r); // not answered: send again
      s.outstanding.clear();
      pump();
    });
  });
  op.close = () => { for (const s of server.sessions.slice()) s.destroy(); server.close(); };
  op.listening = new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return op;
}

module.exports.textOf = textOf;
module.exports.operatorSmsc = operatorSmsc;

const CHROMIUM = '/usr/bin/chromium';
const CHROMEDRIVER = '/usr/bin/chromedriver';

/**
 * Debian's chromium in headless mode through Debian's chromedriver, logging the browser console
 * (for CSP violations); fails (never skips) if either is missing.
 */
async function openBrowser(profileDir, windowSize = '1280,900') {
  const assert = require('node:assert');
  const missing = [CHROMIUM, CHROMEDRIVER].filter((f) => !fs.existsSync(f));
  assert.deepStrictEqual(missing, [], `browser test needs Debian's chromium and chromium-driver (${missing.join(', ')} missing): `
    + 'apt-get install chromium chromium-driver (scripts/test installs them)');
  const { Builder, Browser } = require('selenium-webdriver');
  const chrome = require('selenium-webdriver/chrome');
  const logging = require('selenium-webdriver/lib/logging');
  const prefs = new logging.Preferences();
  prefs.setLevel(logging.Type.BROWSER, logging.Level.ALL);
  const options = new chrome.Options()
    .setLoggingPrefs(prefs)
    .setChromeBinaryPath(CHROMIUM)
    .addArguments('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', `--user-data-dir=${profileDir}`, `--window-size=${windowSize}`);
  // an explicit driver path: selenium-webdriver then never runs Selenium Manager (no download)
  return new Builder().forBrowser(Browser.CHROME).setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(CHROMEDRIVER)).build();
}
module.exports.openBrowser = openBrowser;
