// Black-box: texts sent over the HTTP API reach the operator as the submit_sm parts an independent
// decoder reads back to the same text. scripts/run starts with conf/router.yaml on free ports (its
// operator opA is the in-process simulator); tshark captures the loopback traffic to the simulator's
// port, and tshark's SMPP and GSM SMS UD dissectors (Wireshark's code, not ours) decode each
// submit_sm: data_coding, the concatenation UDH (reference, total, sequence) and the text. Per
// destination: the part count equals the API's `parts`, every part has the coding expected, and the
// decoded texts joined in UDH sequence order equal the text sent; no surrogate pair is split.
//
// Capturing needs root or CAP_NET_RAW (scripts/test runs as root); without them this test fails
// and says so, it does not skip.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const {
  freePort, waitFor, httpAgent, httpRequest, pollUntil, tempDir, startRouter, stopProcess,
} = require('./lib');

const KEY = 'k-bulk-1'; // account bulk: no moderation, no tps limit, any sender
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  + 'ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '\f^{}\\[~]|€'; // two septets each (ESC + code)
const CYR = 'Съешь же ещё этих мягких французских булок, да выпей чаю. ';
const cycle = (s, n) => Array.from({ length: n }, (_, i) => [...s][i % [...s].length]).join('');

// text, expected parts, expected data_coding
const CASES = [
  { name: '160 GSM chars', text: cycle(GSM_BASIC, 160), parts: 1, dcs: 0 },
  { name: '161 GSM chars', text: cycle(GSM_BASIC, 161), parts: 2, dcs: 0 },
  { name: '153 GSM chars, then 8 more', text: cycle('Hello world 0123456789 ', 161), parts: 2, dcs: 0 },
  { name: '70 Cyrillic chars', text: cycle(CYR, 70), parts: 1, dcs: 8 },
  { name: '71 Cyrillic chars', text: cycle(CYR, 71), parts: 2, dcs: 8 },
  { name: '80 €', text: '€'.repeat(80), parts: 1, dcs: 0 },
  { name: '81 €', text: '€'.repeat(81), parts: 2, dcs: 0 },
  { name: 'every extension char, 160 septets', text: GSM_EXT.repeat(8), parts: 1, dcs: 0 },
  { name: '{ and € mixed, 161 septets', text: '{€'.repeat(40) + '!', parts: 2, dcs: 0 },
  // 152 septets, then ESC+€ would straddle the 153-septet part boundary: it must move whole
  { name: '€ at the part boundary', text: 'x'.repeat(152) + '€{' + 'y'.repeat(10), parts: 2, dcs: 0 },
  { name: 'short emoji text', text: 'Hi 😀 👍🏽 🇷🇺!', parts: 1, dcs: 8 },
  { name: '35 emoji (70 UTF-16 units)', text: '😀'.repeat(35), parts: 1, dcs: 8 },
  { name: '36 emoji (72 UTF-16 units)', text: '😀'.repeat(36), parts: 2, dcs: 8 },
  // 66 units, then a pair would straddle the 67-unit part boundary: it must move whole
  { name: 'emoji at the part boundary', text: 'a'.repeat(66) + '😀🎉' + 'b'.repeat(10), parts: 2, dcs: 8 },
  { name: 'Cyrillic with emoji, 3 parts', text: cycle(CYR, 120) + '🎉'.repeat(20), parts: 3, dcs: 8 },
];

let dir;
let simPort;
let httpPort;
let router;
let capture;
const procs = [];

before(async () => {
  const v = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) {
    throw new Error('tshark is needed to decode what reaches the operator: apt-get install tshark '
      + `(scripts/test installs it); ${v.error || v.stderr}`);
  }
  dir = tempDir('http-encoding-');
  [simPort, httpPort] = [await freePort(), await freePort()];
  router = await startRouter({ dir, smppPort: await freePort(), httpPort, simPort }, procs);
});

after(async () => {
  if (capture) await stopProcess(capture, 'SIGINT', 5000);
  for (const p of procs) await stopProcess(p, 'SIGTERM', 30000);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts tshark capturing the simulator port's loopback traffic; resolves once it captures. */
async function startCapture(file) {
  const p = { out: '' };
  p.proc = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${simPort}`, '-w', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.proc.stdout.on('data', (d) => { p.out += d; });
  p.proc.stderr.on('data', (d) => { p.out += d; });
  let exited = null;
  p.exited = new Promise((resolve) => p.proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  await waitFor(() => exited !== null || /Capturing on/.test(p.out), 20000, 'tshark to start capturing', () => p.out);
  if (exited !== null || /permission|not permitted|couldn't run|don't have permission/i.test(p.out)) {
    const uid = process.getuid ? process.getuid() : '?';
    throw new Error(`tshark could not capture on the loopback interface (uid ${uid}): capturing needs root or `
      + `CAP_NET_RAW (e.g. run the suite as root, or setcap cap_net_raw,cap_net_admin+eip /usr/bin/dumpcap).\n${p.out}`);
  }
  return p;
}

/**
 * tshark writes a UCS-2 surrogate code unit as its own 3-byte UTF-8 sequence (ED A0..BF xx, as in
 * CESU-8), which is not valid UTF-8; turn each into a JSON \uXXXX escape so that JSON.parse pairs
 * them up again and leaves a lone (split) surrogate visible.
 */
function parseTsharkJson(buf) {
  const out = [];
  let from = 0;
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] === 0xED && buf[i + 1] >= 0xA0 && buf[i + 1] <= 0xBF && (buf[i + 2] & 0xC0) === 0x80) {
      const unit = 0xD000 | ((buf[i + 1] & 0x3F) << 6) | (buf[i + 2] & 0x3F);
      out.push(buf.subarray(from, i), Buffer.from(`\\u${unit.toString(16)}`));
      from = i + 3;
      i += 2;
    }
  }
  out.push(buf.subarray(from));
  return JSON.parse(Buffer.concat(out).toString('utf8'));
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The value of `key` anywhere inside a tshark JSON tree node. */
function findField(node, key) {
  if (node === null || typeof node !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(node, key)) return node[key];
  for (const v of Object.values(node)) {
    const f = findField(v, key);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** Every submit_sm in the capture as tshark decodes it. */
function decodeCapture(file) {
  const r = spawnSync('tshark', ['-r', file,
    '-d', `tcp.port==${simPort},smpp`,
    '-o', 'smpp.decode_sms_over_smpp:GSM 7-bit', // data_coding 0 is the GSM default alphabet
    '-o', 'smpp.gsm7_unpacked:TRUE', // one septet per octet
    '-o', 'gsm_sms.reassemble:FALSE',
    '-Y', 'smpp.command_id == 0x00000004',
    '-T', 'json', '--no-duplicate-keys'], { maxBuffer: 256 * 1024 * 1024 });
  assert.strictEqual(r.status, 0, `tshark -r failed: ${r.stderr}`);
  const submits = [];
  for (const pkt of parseTsharkJson(r.stdout)) {
    const layers = pkt._source.layers;
    const udhs = asList(layers.gsm_sms_ud);
    let u = 0;
    for (const s of asList(layers.smpp)) {
      if (s['smpp.command_id'] !== '0x00000004') continue;
      const udhi = (parseInt(s['smpp.esm.submit.features'], 16) & 0x01) !== 0;
      const sub = {
        frame: layers.frame['frame.number'],
        to: s['smpp.destination_addr'],
        dcs: parseInt(s['smpp.data_coding'], 16),
        smLength: Number(s['smpp.sm_length']),
        udhi,
        udhOctets: 0,
        text: s['smpp.message_text'] === undefined ? '' : s['smpp.message_text'],
      };
      if (udhi) {
        const ud = udhs[u++];
        assert.ok(ud, `tshark decoded a user data header for the UDHI submit_sm to ${sub.to} (frame ${sub.frame})`);
        sub.ref = Number(findField(ud, 'gsm_sms.udh.mm.msg_id'));
        sub.total = Number(findField(ud, 'gsm_sms.udh.mm.msg_parts'));
        sub.seq = Number(findField(ud, 'gsm_sms.udh.mm.msg_part'));
        sub.udhOctets = 1 + Number(findField(ud, 'gsm_sms.dis_field_udh.user_data_header_length'));
      }
      submits.push(sub);
    }
  }
  return submits;
}

test('tricky texts reach the operator in the parts, codings and UDHs tshark decodes back to the text', async () => {
  const file = path.join(dir, 'operator.pcapng');
  capture = await startCapture(file);
  const agent = httpAgent();
  const sent = [];
  for (const [i, c] of CASES.entries()) {
    const to = `7916555${String(1000 + i).padStart(4, '0')}`;
    const r = await httpRequest(httpPort, 'POST', '/api/v1/messages', {
      key: KEY, agent, body: { from: 'Shop', to, text: c.text },
    });
    assert.strictEqual(r.status, 202, `${c.name}: ${r.text}`);
    assert.strictEqual(r.json.parts, c.parts, `${c.name}: parts in the API's answer`);
    sent.push({ ...c, to, id: r.json.id });
  }
  // every part has gone to the operator and come back with a receipt
  for (const s of sent) {
    await pollUntil(async () => {
      const g = await httpRequest(httpPort, 'GET', `/api/v1/messages/${s.id}`, { key: KEY, agent });
      return g.json && g.json.status === 'DELIVERED';
    }, 20000, `${s.name} (${s.id}) to be DELIVERED`);
  }
  await new Promise((r) => setTimeout(r, 300));
  const stopped = await stopProcess(capture, 'SIGINT', 10000);
  capture = null;
  assert.ok(fs.existsSync(file) && fs.statSync(file).size > 0, `capture file written (${JSON.stringify(stopped)})`);
  agent.destroy();

  const submits = decodeCapture(file);
  const problems = [];
  for (const s of sent) {
    const parts = submits.filter((p) => p.to === s.to);
    const what = `${s.name} to ${s.to}`;
    try {
      assert.strictEqual(parts.length, s.parts, `${what}: submit_sm count at the operator`);
      for (const p of parts) {
        assert.strictEqual(p.dcs, s.dcs, `${what}: data_coding of frame ${p.frame}`);
        // one SMS carries 140 octets: 160 septets for GSM (sent one septet per octet here), with
        // the UDH taking whole septets of it
        const septets = p.dcs === 0 ? Math.ceil(p.udhOctets * 8 / 7) + (p.smLength - p.udhOctets) : 0;
        assert.ok(p.dcs === 0 ? septets <= 160 : p.smLength <= 140,
          `${what}: part ${p.seq || 1} fits one SMS (sm_length ${p.smLength}, UDH ${p.udhOctets} octets)`);
        assert.strictEqual(p.udhi, s.parts > 1, `${what}: UDHI set exactly when the text has several parts`);
        assert.ok(p.text.isWellFormed(), `${what}: part ${p.seq} holds no half of a surrogate pair: `
          + JSON.stringify(p.text));
      }
      let ordered = parts;
      if (s.parts > 1) {
        const refs = new Set(parts.map((p) => p.ref));
        assert.strictEqual(refs.size, 1, `${what}: one concatenation reference for all parts (${[...refs]})`);
        assert.deepStrictEqual(parts.map((p) => p.total), parts.map(() => s.parts), `${what}: UDH total`);
        ordered = [...parts].sort((a, b) => a.seq - b.seq);
        assert.deepStrictEqual(ordered.map((p) => p.seq), Array.from({ length: s.parts }, (_, i) => i + 1),
          `${what}: UDH sequence numbers`);
      }
      assert.strictEqual(ordered.map((p) => p.text).join(''), s.text, `${what}: text decoded by tshark`);
    } catch (e) {
      problems.push(e.message);
    }
  }
  assert.deepStrictEqual(problems, [], `texts that did not come out right:\n${problems.join('\n\n')}`);
});
