// Black-box: Kannel (Debian's bearerbox + smsbox, an SMPP stack we did not write) binds to the
// router as a transceiver ESME, sends messages it got over its sendsms HTTP interface, and
// reports the router's delivery receipts back through its dlr-url: every message gets the SMSC
// acknowledgement (DLR type 8) and the final DELIVRD receipt (type 1) under the router's id.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const { ROOT, freePort, waitFor, start: startProc, routerYaml } = require('./lib');

const procs = [];

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => { let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ status: res.statusCode, body: b })); })
      .on('error', reject);
  });
}

after(() => { for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL'); });

test('Kannel as a client: messages accepted, acknowledged and receipted with the router ids', { timeout: 600000 }, async () => {
  assert.ok(fs.existsSync('/usr/sbin/bearerbox'), 'Kannel is installed (scripts/test installs Debian\'s kannel)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-kannel-'));
  const [smppPort, httpPort, simPort, adminPort, boxPort, sendPort] =
    [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const cfg = path.join(dir, 'router.yaml');
  fs.writeFileSync(cfg, routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(dir, 'journal') }));

  const dlrs = [];
  const dlrServer = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    dlrs.push({ type: Number(u.searchParams.get('type')), id: u.searchParams.get('id'), reply: u.searchParams.get('reply') });
    res.end('ok');
  });
  await new Promise((r) => dlrServer.listen(0, '127.0.0.1', r));
  const dlrPort = dlrServer.address().port;

  const kconf = path.join(dir, 'kannel.conf');
  fs.writeFileSync(kconf, `group = core
admin-port = ${adminPort}
admin-password = secret
smsbox-port = ${boxPort}
log-level = 1
log-file = "${dir}/bearerbox.log"
box-allow-ip = 127.0.0.1
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = router
host = 127.0.0.1
port = ${smppPort}
transceiver-mode = true
smsc-username = bulk
smsc-password = bulkpw
system-type = ""
max-pending-submits = 20
log-file = "${dir}/smsc.log"
log-level = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${boxPort}
sendsms-port = ${sendPort}
log-file = "${dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = tester
password = foobar

group = sms-service
keyword = default
text = "ok"
`);

  const router = startProc(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
  await waitFor(() => /router: smpp=/.test(router.out) && /bound to/.test(router.out), 600000, 'router start', () => router.out);
  const bb = startProc('/usr/sbin/bearerbox', [kconf], procs);
  await waitFor(() => /bound bulk as bind_transceiver/.test(router.out), 60000, 'Kannel to bind', () => router.out + bb.out);
  // smsbox gives up at once if bearerbox is not listening yet: start it once bearerbox is up
  const sb = startProc('/usr/sbin/smsbox', [kconf], procs);

  const N = 20;
  let accepted = 0;
  for (let i = 0; i < N; i++) {
    const dlrUrl = `http://127.0.0.1:${dlrPort}/dlr?type=%d&id=%F&reply=%A`;
    const url = `http://127.0.0.1:${sendPort}/cgi-bin/sendsms?username=tester&password=foobar&from=Bulk`
      + `&to=7916${1000000 + i}&text=${encodeURIComponent('hello from kannel ' + i)}&dlr-mask=31&dlr-url=${encodeURIComponent(dlrUrl)}`;
    let r;
    // smsbox may still be connecting to bearerbox: retry while its HTTP port is not up
    for (let attempt = 0; attempt < 100 && !r; attempt++) {
      try { r = await get(url); } catch (e) { await new Promise((res) => setTimeout(res, 200)); }
    }
    assert.ok(r, `smsbox answered sendsms; smsbox: ${sb.out.slice(-2000)} bearerbox: ${bb.out.slice(-2000)}`);
    assert.strictEqual(r.status, 202, `sendsms: ${r.body}`);
    accepted++;
  }
  assert.strictEqual(accepted, N);
  await waitFor(() => dlrs.filter((d) => d.type === 1).length >= N, 60000,
    () => `${N} delivered DLRs (have ${JSON.stringify(dlrs)})`, () => router.out);
  const acked = new Set(dlrs.filter((d) => d.type === 8).map((d) => d.id));
  const delivered = dlrs.filter((d) => d.type === 1);
  assert.strictEqual(acked.size, N, 'an SMSC acknowledgement with a distinct router id for every message');
  for (const d of delivered) {
    assert.ok(acked.has(d.id), `receipt id ${d.id} is an id the router gave in submit_sm_resp`);
    assert.match(d.reply, new RegExp(`^id:${d.id} .*stat:DELIVRD`));
  }
  assert.strictEqual(new Set(delivered.map((d) => d.id)).size, N, 'one receipt per message');
  bb.proc.kill('SIGTERM');
  sb.proc.kill('SIGTERM');
  router.proc.kill('SIGTERM');
  dlrServer.close();
});
