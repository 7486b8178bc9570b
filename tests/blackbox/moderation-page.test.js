// Black-box: the moderator's page (GET /moderation) in a real browser against scripts/run.
// Debian's chromium, driven by selenium-webdriver through Debian's chromedriver (nothing is
// downloaded), logs in with the admin token, sees the held messages with the stop words
// highlighted, and decides them: the client that sent them (npm smpp, bound as a transceiver)
// gets stat:DELIVRD once an approved message has reached the in-process operator simulator and
// been receipted, and stat:REJECTD for a rejected one. All of it under the page's content security
// policy (no inline script or style): the browser's console must show no CSP violation, while an
// inline script injected at the end is refused and reported there. The browser holds only an
// HttpOnly SameSite=Strict session cookie, never the token, and the router's log shows neither.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const smpp = require('smpp');
const { ROOT, freePort, waitFor, start, routerYaml, httpRequest, openBrowser } = require('./lib');

const UI_TIMEOUT = 15000;      // the page polls every 2 s
const RECEIPT_TIMEOUT = 20000;

const procs = [];
const sessions = [];
const servers = [];
let driver;
let tmp;

after(async () => {
  if (driver) await driver.quit().catch(() => {});
  for (const s of sessions) s.close();
  for (const srv of servers) srv.close();
  for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});


/** The browser console's entries so far (each read returns only the new ones, so they are kept here). */
const consoleLog = [];
async function readConsole() {
  const logging = require('selenium-webdriver/lib/logging');
  for (const e of await driver.manage().logs().get(logging.Type.BROWSER)) consoleLog.push(`${e.level.name} ${e.message}`);
  return consoleLog;
}
const cspViolations = () => consoleLog.filter((l) => /Content Security Policy/i.test(l));

/** A transceiver bind as `systemId`; `.receipts` maps a receipted message id to its stat: word. */
function bindClient(port, systemId, password) {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 10000 }, () => {
      s.bind_transceiver({ system_id: systemId, password }, (pdu) => {
        if (pdu.command_status === 0) resolve(s);
        else reject(new Error(`bind_transceiver as ${systemId}: status ${pdu.command_status}`));
      });
    });
    s.receipts = new Map();
    s.on('error', (e) => { s.lastError = e; });
    s.on('deliver_sm', (pdu) => {
      s.send(pdu.response());
      if (!(pdu.esm_class & 0x04)) return;
      const sm = pdu.short_message;
      const text = Buffer.isBuffer(sm) ? sm.toString() : (sm && sm.message) || String(sm || '');
      const id = pdu.receipted_message_id || (/id:(\S+)/.exec(text) || [])[1];
      s.receipts.set(id, (/stat:(\w+)/.exec(text) || [])[1]);
    });
    sessions.push(s);
  });
}

/** submit_sm asking for a receipt; resolves with the router's message id. */
function submit(s, from, to, text) {
  return new Promise((resolve, reject) => {
    s.submit_sm({ source_addr: from, destination_addr: to, short_message: text, registered_delivery: 1 }, (pdu) => {
      if (pdu.command_status === 0 && pdu.message_id) resolve(pdu.message_id);
      else reject(new Error(`submit_sm "${text}": status ${pdu.command_status}`));
    });
  });
}

test('the moderator page: login, highlighted stop words, approve, reject, a campaign and a selection reach the client as receipts',
  { timeout: 900000 }, async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'router-modpage-'));
    driver = await openBrowser(path.join(tmp, 'chromium-profile'), '1280,900');
    const { By, until } = require('selenium-webdriver');

    // the router: shop moderated automatically against our stop words, bulk held always
    const [smppPort, httpPort, simPort] = [await freePort(), await freePort(), await freePort()];
    const token = 'mod-' + crypto.randomBytes(12).toString('hex');
    const stopWords = path.join(tmp, 'stopwords.txt');
    fs.writeFileSync(stopWords, '# category: casino\nказино\n');
    const yaml = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(tmp, 'journal') })
      .replace(/^(\s*)token: change-me\b.*$/m, `$1token: ${token}`)
      .replace(/^(\s*)stopWords: .*$/m, `$1stopWords: ${stopWords}`)
      .replace(/(- id: shop\b[\s\S]*?\n\s*moderation:) \w+/, '$1 auto')
      .replace(/(- id: bulk\b[\s\S]*?\n\s*moderation:) \w+/, '$1 manual');
    assert.ok(yaml.includes(`token: ${token}`) && yaml.includes(`stopWords: ${stopWords}`), 'config rewritten');
    assert.match(yaml, /- id: shop\b[\s\S]*?\n\s*moderation: auto/);
    assert.match(yaml, /- id: bulk\b[\s\S]*?\n\s*moderation: manual/);
    assert.match(yaml, /simulator:[\s\S]*?enabled: true/, 'the in-process simulator is on');
    const cfg = path.join(tmp, 'router.yaml');
    fs.writeFileSync(cfg, yaml);
    const router = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
    // the first run may build the jars
    await waitFor(() => /router: smpp=/.test(router.out) && /bound to/.test(router.out), 600000,
      'the router to start and bind to the simulator', () => router.out);

    // the clients send: an evasion (Latin "a" inside a Cyrillic word), a clean message, a hostile
    // text twice (one campaign), and three messages of the manual account
    const shop = await bindClient(smppPort, 'shop', 'secret1');
    const bulk = await bindClient(smppPort, 'bulk', 'bulkpw');
    const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>казино <b>bonus</b>';
    const evasive = await submit(shop, 'Shop', '79161234567', 'Play кaзино now');
    const clean = await submit(shop, 'Shop', '79161234568', 'Your order 1234 is ready');
    const manual = await submit(bulk, 'Bulk', '79031234567', 'hello from bulk');
    const camp1 = await submit(shop, 'Shop', '79161234569', hostile);
    const camp2 = await submit(shop, 'Shop', '79161234570', hostile);
    const sel1 = await submit(bulk, 'Bulk', '79031234568', 'bulk promo one');
    const sel2 = await submit(bulk, 'Bulk', '79031234569', 'bulk promo two');
    const held = [evasive, manual, camp1, camp2, sel1, sel2];
    await waitFor(() => shop.receipts.get(clean) === 'DELIVRD', RECEIPT_TIMEOUT,
      'DELIVRD for the clean message, which is not held', () => router.out);
    for (const id of held) assert.ok(!shop.receipts.has(id) && !bulk.receipts.has(id), `no receipt yet for held ${id}`);

    const row = (id) => `#queue .held[data-id="${id}"]`;
    const rowGone = (id) => driver.wait(async () => (await driver.findElements(By.css(row(id)))).length === 0,
      UI_TIMEOUT, `row ${id} to leave the queue`);
    const shown = async (css) => (await driver.findElement(By.css(css))).isDisplayed();

    // the login form; a wrong token is refused on the form
    await driver.get(`http://127.0.0.1:${httpPort}/moderation`);
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT, 'login form');
    await driver.findElement(By.css('#token')).sendKeys('not-the-token');
    await driver.findElement(By.css('#login-btn')).click();
    const loginError = await driver.findElement(By.css('#login-error'));
    await driver.wait(until.elementIsVisible(loginError), UI_TIMEOUT, 'the login error');
    assert.match(await loginError.getText(), /token/i);
    assert.strictEqual(await shown('#queue'), false, 'no queue before logging in');

    // the right token: the held messages, oldest first, the clean one not among them
    await driver.findElement(By.css('#token')).clear();
    await driver.findElement(By.css('#token')).sendKeys(token);
    await driver.findElement(By.css('#moderator')).sendKeys('alice');
    await driver.findElement(By.css('#login-btn')).click();
    await driver.wait(until.elementLocated(By.css(row(sel2))), UI_TIMEOUT, 'the held messages in the queue');
    const ids = await Promise.all((await driver.findElements(By.css('#queue .held'))).map((r) => r.getAttribute('data-id')));
    assert.deepStrictEqual(ids, held, 'held messages, oldest first');
    assert.strictEqual(await driver.findElement(By.css('#total')).getText(), String(held.length));
    assert.ok(!ids.includes(clean));

    // a forged request from another page on this host (another port: the same site, so the
    // SameSite=Strict cookie goes along) is refused: the browser marks it same-site and it has no
    // CSRF token; the message stays held
    const attacker = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><form method="POST" enctype="text/plain"
        action="http://127.0.0.1:${httpPort}/api/v1/moderation/${evasive}/approve">
        <input name='{"moderator":"mallory","x":"' value='"}'></form>
        <script>document.forms[0].submit()</script>`);
    });
    await new Promise((r) => attacker.listen(0, '127.0.0.1', r));
    servers.push(attacker);
    await driver.get(`http://127.0.0.1:${attacker.address().port}/`);
    await driver.wait(async () => (await driver.getCurrentUrl()).includes(`/api/v1/moderation/${evasive}/approve`),
      UI_TIMEOUT, 'the forged form to be submitted');
    await driver.wait(async () => /csrf_failed/.test(await driver.findElement(By.css('body')).getText()), UI_TIMEOUT,
      'the router\'s answer to the forged request');
    const forged = JSON.parse(await driver.findElement(By.css('body')).getText());
    assert.strictEqual(forged.error.code, 'csrf_failed', 'forged cross-port POST refused');
    await driver.get(`http://127.0.0.1:${httpPort}/moderation`);
    await driver.wait(until.elementLocated(By.css(row(evasive))), UI_TIMEOUT, 'still held after the forged approve');
    assert.ok(!shop.receipts.has(evasive), 'the forged approve did not release the message');

    // the evasion is highlighted where it is, with its category
    const evasiveRow = await driver.findElement(By.css(row(evasive)));
    const marks = await evasiveRow.findElements(By.css('mark.hit'));
    assert.strictEqual(marks.length, 1, 'one highlight');
    assert.strictEqual(await marks[0].getText(), 'кaзино', 'the highlight covers the evasive word');
    assert.strictEqual(await marks[0].getAttribute('title'), 'casino');
    assert.match(await evasiveRow.getText(), /Play кaзино now/);
    assert.match(await evasiveRow.getText(), /casino/);

    // hostile text is shown as text, never run
    const campRow = await driver.findElement(By.css(row(camp1)));
    assert.ok((await campRow.getText()).includes('<img src=x onerror="window.__xss=1">'), 'markup shown literally');
    assert.strictEqual(await (await campRow.findElement(By.css('mark.hit'))).getText(), 'казино');
    assert.strictEqual((await driver.findElements(By.css('#queue img, #queue script, #queue b'))).length, 0);
    assert.strictEqual(await driver.executeScript('return window.__xss === undefined'), true, 'no script ran');

    // the account filter goes through the API's query parameters
    await driver.findElement(By.css('#filter-account option[value="bulk"]')).click();
    await driver.wait(async () => (await driver.findElements(By.css('#queue .held'))).length === 3, UI_TIMEOUT,
      'only the bulk account\'s three messages');
    await driver.findElement(By.css('#filter-account option[value=""]')).click();
    await driver.wait(async () => (await driver.findElements(By.css('#queue .held'))).length === held.length,
      UI_TIMEOUT, 'every held message again');
    assert.ok((await driver.findElements(By.css('#filter-category option[value="casino"]'))).length === 1);

    // Approve: the message goes to the operator (the simulator), whose receipt reaches the client
    await driver.findElement(By.css(`${row(evasive)} .approve`)).click();
    await waitFor(() => shop.receipts.get(evasive) === 'DELIVRD', RECEIPT_TIMEOUT,
      () => `DELIVRD for the approved ${evasive} (got ${shop.receipts.get(evasive)})`, () => router.out);
    await rowGone(evasive);

    // Reject with a reason typed in the row
    await driver.findElement(By.css(`${row(manual)} .reject`)).click();
    const reason = await driver.findElement(By.css(`${row(manual)} .reject-reason`));
    await reason.sendKeys('not today');
    await driver.sleep(2500); // a refresh comes and goes: the reason being typed stays
    assert.strictEqual(await reason.getAttribute('value'), 'not today');
    await driver.findElement(By.css(`${row(manual)} .reject-confirm`)).click();
    await waitFor(() => bulk.receipts.get(manual) === 'REJECTD', RECEIPT_TIMEOUT,
      () => `REJECTD for the rejected ${manual} (got ${bulk.receipts.get(manual)})`, () => router.out);
    await rowGone(manual);

    // the whole campaign (two identical messages) at once
    const approveCampaign = await driver.findElement(By.css(`${row(camp1)} .approve-campaign`));
    assert.match(await (await driver.findElement(By.css(`${row(camp1)} .campaign-actions`))).getText(), /\(2\)/);
    await approveCampaign.click();
    await waitFor(() => shop.receipts.get(camp1) === 'DELIVRD' && shop.receipts.get(camp2) === 'DELIVRD',
      RECEIPT_TIMEOUT, 'DELIVRD for both messages of the approved campaign', () => router.out);
    await rowGone(camp2);

    // a selection: tick both, Reject selected with a reason
    await driver.findElement(By.css(`${row(sel1)} .select`)).click();
    await driver.findElement(By.css(`${row(sel2)} .select`)).click();
    await driver.sleep(2500); // the ticks survive a refresh
    assert.strictEqual(await driver.findElement(By.css(`${row(sel1)} .select`)).isSelected(), true);
    await driver.findElement(By.css('#reject-selected')).click();
    await driver.findElement(By.css('#bulk-reason')).sendKeys('spam');
    await driver.findElement(By.css('#bulk-reject-confirm')).click();
    await waitFor(() => bulk.receipts.get(sel1) === 'REJECTD' && bulk.receipts.get(sel2) === 'REJECTD',
      RECEIPT_TIMEOUT, 'REJECTD for both selected messages', () => router.out);
    await rowGone(sel2);
    await driver.wait(async () => (await driver.findElement(By.css('#total')).getText()) === '0', UI_TIMEOUT, 'nothing held');

    // recent decisions, with the moderator's name
    await driver.wait(until.elementLocated(By.css(`#decisions li[data-id="${sel2}"]`)), UI_TIMEOUT, 'decisions panel');
    const approvedLine = await driver.findElement(By.css(`#decisions li[data-id="${evasive}"]`)).getText();
    assert.match(approvedLine, /APPROVED/);
    assert.match(approvedLine, /alice/);
    assert.match(await driver.findElement(By.css(`#decisions li[data-id="${manual}"]`)).getText(), /REJECTED[\s\S]*not today/);

    // the browser holds a session cookie that its scripts cannot read, and the token nowhere
    const cookie = await driver.manage().getCookie('smsrouter_session');
    assert.ok(cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie.value), 'a 256-bit session id in the cookie');
    assert.strictEqual(cookie.httpOnly, true, 'HttpOnly');
    assert.strictEqual(cookie.sameSite, 'Strict', 'SameSite=Strict');
    assert.strictEqual(cookie.secure, false, 'not Secure over plain HTTP');
    assert.strictEqual(cookie.path, '/');
    const stored = await driver.executeScript(
      'return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie');
    assert.ok(!stored.includes(token), 'the token is not kept in the browser');
    assert.ok(!stored.includes(cookie.value), 'the session id is not readable by scripts');

    // a reload stays logged in (the cookie); Log out ends the session on the router
    await driver.navigate().refresh();
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#app'))), UI_TIMEOUT, 'still logged in');
    await driver.wait(until.elementLocated(By.css('#decisions li')), UI_TIMEOUT, 'decisions after the reload');
    await driver.findElement(By.css('#logout')).click();
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT, 'login form');
    await driver.navigate().refresh();
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT, 'login form after reload');
    const res = await httpRequest(httpPort, 'GET', '/api/v1/moderation/queue',
      { headers: { Cookie: `smsrouter_session=${cookie.value}` } });
    assert.strictEqual(res.status, 401, 'the old session id is dead after logging out');

    // everything above ran under the page's CSP without a single violation
    await readConsole();
    assert.deepStrictEqual(cspViolations(), [], `CSP violations in the console:\n${consoleLog.join('\n')}`);
    // and the policy is enforced: an inline script injected now is refused, and the console says so
    await driver.executeScript(`const s = document.createElement('script');
      s.textContent = 'window.__inline = 1'; document.head.appendChild(s);`);
    await driver.wait(async () => (await readConsole(), cspViolations().length > 0), UI_TIMEOUT,
      'the CSP violation of the injected inline script in the console');
    assert.strictEqual(await driver.executeScript('return window.__inline === undefined'), true, 'inline script blocked');

    // the router's log holds neither the token, the refused typo, nor the session id
    assert.ok(!router.out.includes(token), 'the admin token is not in the log');
    assert.ok(!router.out.includes('not-the-token'), 'a refused token is not in the log');
    assert.ok(!router.out.includes(cookie.value), 'the session id is not in the log');
    assert.match(router.out, /moderator page login refused/, 'the refused login is logged (without the token)');

    router.proc.kill('SIGTERM');
    await router.exited;
  });
