// Black-box: the campaign report page (GET /campaigns/{id}) in a real browser against scripts/run.
// A campaign of two A/B variants with tracked links goes out through the router to its in-process
// operator simulator (POST /api/v1/campaigns with the account's key); once it is DONE and every
// message has its receipt, a few short links are followed (one twice) with a plain HTTP client.
// Then Debian's chromium (selenium-webdriver through Debian's chromedriver, nothing downloaded)
// opens the page, logs in with the account's API key, and every number on the page (each element
// with data-field, per variant with data-variant) must equal GET /api/v1/campaigns/{id}; each
// chart must have one line per variant. The campaign's name is hostile markup and must show as
// text; another account's key sees no such campaign, and its session does not open the moderator
// page. All of it under the page's content security policy: no CSP violation in the console.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, freePort, waitFor, start, routerYaml, httpRequest, pollUntil, tempDir, openBrowser } = require('./lib');

const UI_TIMEOUT = 15000;
const CAMPAIGN_TIMEOUT = 60000;
const SHOP_KEY = 'k-shop-1';    // conf/router.yaml's accounts
const BULK_KEY = 'k-bulk-1';

const procs = [];
let driver;
let tmp;

after(async () => {
  if (driver) await driver.quit().catch(() => {});
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

/** `obj`'s value at a dotted path ("states.DELIVERED"). */
function at(obj, dotted) {
  return dotted.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

/** The columns of a CSV line (RFC 4180 quoting). */
function csvLine(line) {
  const out = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

test('the campaign page: an account logs in with its key, the numbers equal the API, one chart line per variant, no CSP violation',
  { timeout: 900000 }, async () => {
    tmp = tempDir('router-camppage-');
    driver = await openBrowser(path.join(tmp, 'chromium-profile'), '1280,1000');
    const { By, until } = require('selenium-webdriver');

    const [smppPort, httpPort, simPort] = [await freePort(), await freePort(), await freePort()];
    const token = 'adm-' + crypto.randomBytes(12).toString('hex');
    const yaml = routerYaml({ smppPort, httpPort, simPort, journalDir: path.join(tmp, 'journal') })
      .replace(/^(\s*)token: change-me\b.*$/m, `$1token: ${token}`)
      // the short links point at this router's port
      .replace(/http:\/\/127\.0\.0\.1:8080\/l\b/g, `http://127.0.0.1:${httpPort}/l`);
    assert.ok(yaml.includes(`token: ${token}`), 'config rewritten');
    assert.match(yaml, /simulator:[\s\S]*?enabled: true/, 'the in-process simulator is on');
    const cfg = path.join(tmp, 'router.yaml');
    fs.writeFileSync(cfg, yaml);
    const router = start(path.join(ROOT, 'scripts', 'run'), ['--config', cfg], procs);
    // the first run may build the jars
    await waitFor(() => /router: smpp=/.test(router.out) && new RegExp(`bound to 127\\.0\\.0\\.1:${simPort}`).test(router.out),
      600000, 'the router to start and bind to the simulator', () => router.out);
    const api = (method, p, opts) => httpRequest(httpPort, method, p, opts);

    // the campaign: two variants with a link each, eight recipients, tracked links, a hostile name
    const name = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> Black Friday';
    const recipients = [];
    for (let i = 0; i < 8; i++) recipients.push({ to: `7916123450${i}` });
    const created = await api('POST', '/api/v1/campaigns', { key: SHOP_KEY, body: {
      name, category: 'transactional', from: 'Shop', trackLinks: true, recipients,
      variants: [
        { name: 'A', text: 'Black Friday: 30% off at https://shop.example/sale?src=a', share: 50 },
        { name: 'B', text: 'Black Friday! Everything -30%: https://shop.example/bf', share: 50 },
      ] } });
    assert.strictEqual(created.status, 201, `POST /api/v1/campaigns: ${created.text}`);
    const id = created.json.id;
    assert.ok(id, 'the campaign has an id');
    const report = async () => {
      const r = await api('GET', `/api/v1/campaigns/${encodeURIComponent(id)}`, { key: SHOP_KEY });
      assert.strictEqual(r.status, 200, `GET /api/v1/campaigns/${id}: ${r.text}`);
      return r.json;
    };
    await pollUntil(async () => {
      const r = await report();
      return r.status === 'DONE' && r.pending === 0 && at(r, 'states.DELIVERED') === recipients.length;
    }, CAMPAIGN_TIMEOUT, async () => `the campaign to be DONE with every message delivered`, 250);

    // follow three recipients' links, the first one twice: 4 clicks, 3 unique
    const csv = await api('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/recipients.csv`, { key: SHOP_KEY });
    assert.strictEqual(csv.status, 200, `recipients.csv: ${csv.text}`);
    const lines = csv.text.split(/\r?\n/).filter((l) => l.length > 0);
    const header = csvLine(lines[0]).map((h) => h.toLowerCase());
    const codeColumn = header.findIndex((h) => /code/.test(h));
    assert.ok(codeColumn >= 0, `recipients.csv has a link code column: ${lines[0]}`);
    const codes = lines.slice(1).map((l) => csvLine(l)[codeColumn]).filter((c) => /^[0-9A-Za-z]{6,8}$/.test(c));
    assert.strictEqual(codes.length, recipients.length, `a link code per recipient:\n${csv.text}`);
    for (const code of [codes[0], codes[0], codes[3], codes[6]]) {
      const r = await api('GET', `/l/${code}`, { headers: { 'User-Agent': 'campaign-page-test' } });
      assert.strictEqual(r.status, 302, `GET /l/${code}: ${r.status} ${r.text}`);
      assert.match(r.headers.location, /utm_source=sms/);
    }
    await pollUntil(async () => {
      const r = await report();
      return r.clicks === 4 && r.uniqueClicks === 3;
    }, CAMPAIGN_TIMEOUT, 'the report to count 4 clicks, 3 unique', 250);
    const expected = await report();
    assert.strictEqual(expected.variants.length, 2);

    // the page's own JSON, by bearer token, is the API's report
    const viaPage = await api('GET', `/campaigns/${encodeURIComponent(id)}/report.json`, { key: SHOP_KEY });
    assert.strictEqual(viaPage.status, 200);
    assert.deepStrictEqual(viaPage.json, expected, 'report.json is GET /api/v1/campaigns/{id}');
    assert.strictEqual((await api('GET', `/campaigns/${encodeURIComponent(id)}/report.json`, { key: BULK_KEY })).status,
      404, 'another account gets 404');

    // the page: the login form first; a wrong key is refused on the form
    const pageUrl = `http://127.0.0.1:${httpPort}/campaigns/${encodeURIComponent(id)}`;
    await driver.get(pageUrl);
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT, 'login form');
    assert.strictEqual(await driver.findElement(By.css('#app')).isDisplayed(), false, 'no report before logging in');
    await driver.findElement(By.css('#token')).sendKeys('k-not-a-key');
    await driver.findElement(By.css('#login-btn')).click();
    const loginError = await driver.findElement(By.css('#login-error'));
    await driver.wait(until.elementIsVisible(loginError), UI_TIMEOUT, 'the login error');
    await driver.findElement(By.css('#token')).clear();
    await driver.findElement(By.css('#token')).sendKeys(SHOP_KEY);
    await driver.findElement(By.css('#login-btn')).click();
    await driver.wait(until.elementLocated(By.css('body[data-loaded]')), UI_TIMEOUT, 'the report drawn');
    const cookie = await driver.manage().getCookie('smsrouter_session');
    assert.ok(cookie && cookie.httpOnly, 'an HttpOnly session cookie');

    // every number on the page is the API's
    const fields = await driver.executeScript(`return Array.from(document.querySelectorAll('#app [data-field]'))
      .map(function (e) { return { field: e.getAttribute('data-field'), variant: e.getAttribute('data-variant'),
        value: e.getAttribute('data-value'), text: e.textContent }; });`);
    const checked = new Set();
    for (const f of fields) {
      const source = f.variant === null ? expected : expected.variants.find((v) => v.name === f.variant);
      assert.ok(source, `variant ${f.variant} of the page is in the API's report`);
      const want = at(source, f.field);
      assert.strictEqual(f.value, want === null || want === undefined ? '' : String(want),
        `${f.field}${f.variant === null ? '' : ' of ' + f.variant} on the page (${f.text}) equals the API's`);
      checked.add(`${f.variant === null ? '' : f.variant + '.'}${f.field}`);
    }
    for (const f of ['status', 'total', 'pending', 'parts', 'cost', 'clicks', 'uniqueClicks', 'clickRate',
      'states.DELIVERED', 'states.REJECTED', 'states.FAILED']) {
      assert.ok(checked.has(f), `the page shows ${f}`);
      for (const v of expected.variants) {
        if (f !== 'status') assert.ok(checked.has(`${v.name}.${f}`), `the page shows ${f} of variant ${v.name}`);
      }
    }
    for (const state of Object.keys(expected.states)) {
      assert.ok(checked.has(`states.${state}`), `the page shows the count of ${state}`);
    }
    assert.strictEqual(await driver.findElement(By.css('[data-field="clickRate"]:not([data-variant])')).getText(),
      `${(expected.clickRate * 100).toFixed(expected.clickRate * 100 < 10 ? 2 : 1).replace(/^0\.00$/, '0')}%`,
      'the click rate as a percentage');

    // the charts: one line per variant, named after it, ending at the API's totals
    for (const [chart, key] of [['#chart-delivery', 'delivered'], ['#chart-clicks', 'clicks']]) {
      const lines = await driver.findElements(By.css(`${chart} path.line`));
      assert.strictEqual(lines.length, expected.variants.length, `${chart}: one line per variant`);
      const names = await Promise.all(lines.map((l) => l.getAttribute('data-series')));
      assert.deepStrictEqual(names, expected.timeline.variants.map((v) => v.name), `${chart}: the variants' lines`);
      for (const v of expected.timeline.variants) {
        const sum = v[key].reduce((a, b) => a + b, 0);
        const label = await driver.findElement(By.css(`${chart} .end-label[data-series="${v.name}"]`)).getText();
        assert.strictEqual(label, sum.toLocaleString('en-US'), `${chart}: variant ${v.name} ends at the sum of its ${key}`);
      }
      assert.ok((await driver.findElements(By.css(`${chart} .chart-y text`))).length >= 2, `${chart}: y ticks`);
      assert.ok((await driver.findElements(By.css(`${chart} .chart-x text`))).length >= 1, `${chart}: time ticks`);
      assert.strictEqual((await driver.findElements(By.css(`${chart} .legend-item`))).length, expected.variants.length);
    }
    const totalDelivered = expected.timeline.variants.reduce((a, v) => a + v.delivered.reduce((x, y) => x + y, 0), 0);
    assert.strictEqual(totalDelivered, at(expected, 'states.DELIVERED'), 'the timeline counts every delivery');

    // the hostile name is text
    assert.strictEqual(await driver.findElement(By.css('#title')).getText(), name, 'the name shown literally');
    assert.strictEqual(await driver.executeScript('return window.__xss === undefined'), true, 'no script of the name ran');
    assert.strictEqual(await driver.getTitle(), `${name} · Campaign · SMS router`);

    // a campaign still RUNNING (one message a second) is reloaded every 2-5 s until it is DONE
    const slow = await api('POST', '/api/v1/campaigns', { key: SHOP_KEY, body: {
      name: 'Slow one', category: 'transactional', from: 'Shop', rate: 1,
      recipients: Array.from({ length: 20 }, (_, i) => ({ to: `7916123460${String(i).padStart(2, '0')}` })),
      text: 'Slow news' } });
    assert.strictEqual(slow.status, 201, `POST /api/v1/campaigns: ${slow.text}`);
    await driver.get(`http://127.0.0.1:${httpPort}/campaigns/${encodeURIComponent(slow.json.id)}`);
    await driver.wait(until.elementLocated(By.css('body[data-loaded] [data-field="status"][data-value="RUNNING"]')),
      UI_TIMEOUT, 'the slow campaign shown RUNNING');
    const loadedAt = () => driver.executeScript('return Number(document.body.getAttribute("data-loaded"))');
    const nextLoad = async (after) => {
      await driver.wait(async () => (await loadedAt()) > after, UI_TIMEOUT, 'the page to reload its report');
      return loadedAt();
    };
    const first = await nextLoad(await loadedAt());
    const second = await nextLoad(first);
    assert.ok(second - first >= 2000 && second - first <= 5000, `reloaded ${second - first} ms apart while RUNNING`);
    const sentOnPage = async () => Number(await driver.findElement(By.css('[data-field="states.DELIVERED"]:not([data-variant])'))
      .getAttribute('data-value')) + Number(await driver.findElement(By.css('[data-field="states.SUBMITTED"]:not([data-variant])'))
      .getAttribute('data-value'));
    const early = await sentOnPage();
    await driver.wait(until.elementLocated(By.css('[data-field="status"][data-value="DONE"]')), 60000,
      'the page to show the slow campaign DONE');
    assert.ok(await sentOnPage() > early, 'the numbers grew while the page watched');
    assert.strictEqual(await driver.findElement(By.css('[data-field="total"]:not([data-variant])')).getAttribute('data-value'), '20');

    // logged out, another account's key sees no such campaign, and its session is no moderator's
    // (each of these reloads the page: wait for the new one's view before looking inside it)
    await driver.get(pageUrl);
    await driver.wait(until.elementLocated(By.css('body[data-loaded]')), UI_TIMEOUT, 'the first campaign again');
    await driver.findElement(By.css('#logout')).click();
    await driver.wait(until.elementLocated(By.css('body[data-view="login"]')), UI_TIMEOUT, 'the login page after logout');
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT, 'login form after logout');
    await driver.findElement(By.css('#token')).sendKeys(BULK_KEY);
    await driver.findElement(By.css('#login-btn')).click();
    await driver.wait(until.elementLocated(By.css('body[data-view="missing"]')), UI_TIMEOUT, 'no such campaign for bulk');
    assert.strictEqual(await driver.findElement(By.css('#missing-view')).isDisplayed(), true, 'the missing view shown');
    assert.ok(!(await driver.getPageSource()).includes('Black Friday'), 'nothing of the campaign shown to bulk');
    await driver.get(`http://127.0.0.1:${httpPort}/moderation`);
    await driver.wait(until.elementIsVisible(await driver.findElement(By.css('#login'))), UI_TIMEOUT,
      'the moderator page asks an account session to log in');
    assert.strictEqual(await driver.findElement(By.css('#app')).isDisplayed(), false, 'no moderation queue');

    // everything above ran under the page's CSP without a single violation
    await readConsole();
    assert.deepStrictEqual(cspViolations(), [], `CSP violations in the console:\n${consoleLog.join('\n')}`);
    // the router's log holds neither key nor the refused one
    assert.ok(!router.out.includes(SHOP_KEY) && !router.out.includes(BULK_KEY), 'no API key in the log');
    assert.ok(!router.out.includes('k-not-a-key'), 'a refused key is not in the log');
    assert.ok(!router.out.includes(cookie.value), 'the session id is not in the log');
  });
