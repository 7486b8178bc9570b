// Black-box: scripts/run with no arguments on this checkout starts the router with conf/router.yaml,
// and the npm `smpp` package (an SMPP stack we did not write) binds, submits with many requests
// outstanding, and gets a delivery receipt for every message, naming the id it was given.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const net = require('node:net');
const smpp = require('smpp');
const path = require('node:path');
const { ROOT, waitFor, start } = require('./lib');

let router;
let routerExit;
let routerProc;

function connect(systemId, password) {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ url: 'smpp://127.0.0.1:2775', auto_enquire_link_period: 10000 }, () => {
      session.bind_transceiver({ system_id: systemId, password }, (pdu) => resolve({ session, status: pdu.command_status }));
    });
    session.on('error', reject);
  });
}

before(async () => {
  routerProc = start(path.join(ROOT, 'scripts', 'run'), []);
  router = routerProc.proc;
  routerExit = routerProc.exited;
  // the first run may build the jars
  await waitFor(() => /router: smpp=/.test(routerProc.out), 600000, 'the router to print its addresses', () => routerProc.out);
  await waitFor(() => /bound to 127\.0\.0\.1:2776/.test(routerProc.out), 30000, 'the router to bind to the simulator', () => routerProc.out);
});

after(async () => {
  if (router && router.exitCode === null) {
    router.kill('SIGKILL');
  }
});

test('a client we did not write sends 500 messages with many outstanding and gets every receipt', async () => {
  const { session, status } = await connect('bulk', 'bulkpw');
  assert.strictEqual(status, 0, 'bind_transceiver as the demo account bulk');
  const given = new Set();
  const receipted = new Map();
  session.on('deliver_sm', (pdu) => {
    session.send(pdu.response());
    if (pdu.esm_class & 0x04) {
      const tlvId = pdu.receipted_message_id;
      const text = Buffer.isBuffer(pdu.short_message) ? pdu.short_message.toString()
        : (pdu.short_message && pdu.short_message.message) || '';
      const m = /id:(\S+)/.exec(text);
      assert.ok(m, `receipt text has an id: ${text}`);
      assert.strictEqual(tlvId, m[1], 'receipted_message_id TLV equals the id in the text');
      assert.match(text, /stat:(DELIVRD|UNDELIV|EXPIRED|REJECTD|DELETED)/);
      receipted.set(m[1], pdu.message_state);
    }
  });
  const N = 500;
  const responses = await Promise.all(Array.from({ length: N }, (_, i) => new Promise((resolve) => {
    session.submit_sm({
      source_addr: 'Bulk', destination_addr: '7916' + String(1000000 + i),
      short_message: `black-box message ${i}`, registered_delivery: 1,
    }, (pdu) => resolve(pdu));
  })));
  for (const r of responses) {
    assert.strictEqual(r.command_status, 0, 'submit_sm_resp status');
    assert.ok(r.message_id && r.message_id.length > 0, 'submit_sm_resp has a message id');
    given.add(r.message_id);
  }
  assert.strictEqual(given.size, N, 'every message got its own id');
  // receipts owed from earlier runs on this checkout's data/ journal may come too (they wait for
  // the account's next bind); every id given in this run must get its own
  await waitFor(() => [...given].every((id) => receipted.has(id)), 60000,
    () => `a receipt for each of the ${N} ids (have ${[...given].filter((id) => receipted.has(id)).length})`);
  for (const id of given) {
    assert.strictEqual(receipted.get(id), 2, `message_state DELIVERED for ${id}`);
  }
  await new Promise((resolve) => session.unbind(() => resolve()));
  session.close();
});

test('a wrong password is refused with ESME_RINVPASWD and an unknown system_id with ESME_RINVSYSID', async () => {
  const wrong = await connect('bulk', 'nope');
  assert.strictEqual(wrong.status, 0x0E);
  wrong.session.close();
  const unknown = await connect('nobody', 'x');
  assert.strictEqual(unknown.status, 0x0F);
  unknown.session.close();
});

test('a garbage PDU mid-session gets generic_nack and the session goes on', async () => {
  const sock = net.connect(2775, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => { buf = Buffer.concat([buf, d]); });
  const pdus = () => {
    const out = [];
    let off = 0;
    while (buf.length - off >= 16) {
      const len = buf.readUInt32BE(off);
      if (buf.length - off < len) break;
      out.push({ id: buf.readUInt32BE(off + 4) >>> 0, status: buf.readUInt32BE(off + 8), seq: buf.readUInt32BE(off + 12) });
      off += len;
    }
    return out;
  };
  const cstr = (s) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);
  const pdu = (id, seq, body) => {
    const h = Buffer.alloc(16);
    h.writeUInt32BE(16 + body.length, 0); h.writeUInt32BE(id >>> 0, 4); h.writeUInt32BE(0, 8); h.writeUInt32BE(seq, 12);
    return Buffer.concat([h, body]);
  };
  // bind_transmitter as bulk
  sock.write(pdu(0x00000002, 1, Buffer.concat([cstr('bulk'), cstr('bulkpw'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])));
  // an unknown command id, then a submit_sm whose body ends early
  sock.write(pdu(0x00000777, 2, Buffer.from([1, 2, 3])));
  sock.write(pdu(0x00000004, 3, Buffer.from([0, 1, 1, 0x41])));
  // then a good submit_sm
  const body = Buffer.concat([cstr(''), Buffer.from([5, 0]), cstr('Bulk'), Buffer.from([1, 1]), cstr('79161234567'),
    Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0]), Buffer.from([2]), Buffer.from('hi')]);
  sock.write(pdu(0x00000004, 4, body));
  await waitFor(() => pdus().length >= 4, 10000, 'four responses');
  const got = pdus();
  assert.deepStrictEqual(got[0], { id: 0x80000002, status: 0, seq: 1 });
  assert.deepStrictEqual(got[1], { id: 0x80000000, status: 0x03, seq: 2 }, 'generic_nack ESME_RINVCMDID');
  assert.strictEqual(got[2].id, 0x80000000, 'truncated submit_sm gets generic_nack');
  assert.strictEqual(got[2].seq, 3);
  assert.notStrictEqual(got[2].status, 0);
  assert.deepStrictEqual({ id: got[3].id, status: got[3].status, seq: got[3].seq }, { id: 0x80000004, status: 0, seq: 4 });
  sock.destroy();
});

test('SIGTERM stops the router gracefully', async () => {
  router.kill('SIGTERM');
  const { code, signal } = await Promise.race([
    routerExit,
    new Promise((_, reject) => setTimeout(() => reject(new Error('router did not stop within 30 s')), 30000)),
  ]);
  // the JVM exits with 143 after running its shutdown hooks on SIGTERM
  assert.ok(code === 0 || code === 143 || signal === 'SIGTERM', `exit code ${code} signal ${signal}`);
  assert.match(routerProc.out, /stopped: accepted=/);
});
