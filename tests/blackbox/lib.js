// Helpers shared by the black-box tests: free ports, polling, child processes, and a copy of
// conf/router.yaml moved to free ports and a temporary journal.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const net = require('node:net');

const ROOT = path.resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
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
    .replace(/dir: data\/journal/, `dir: ${journalDir}`);
  if (!yaml.includes(`port: ${smppPort}`) || !yaml.includes(`port: ${simPort}`) || !yaml.includes(journalDir)) {
    throw new Error('conf/router.yaml no longer has the keys these tests rewrite');
  }
  return yaml;
}

module.exports = { ROOT, freePort, waitFor, start, routerYaml };
