/*
 * The campaign report page's script (GET /campaign.js), loaded by /campaigns/{id}.
 *
 * The router decides what the page shows (body data-view): "login" shows the form, which posts the
 * API key or admin token once to /campaigns/login and reloads (the router answers with an HttpOnly
 * session cookie; the key is not kept); "missing" says there is no such campaign; "report" loads
 * report.json beside the page and draws it, again every 3 s while the campaign is RUNNING (less
 * often otherwise, since receipts and clicks still arrive after it is done).
 *
 * Every value is written with textContent. Every number element carries data-field (the report's
 * field name: total, pending, parts, cost, clicks, uniqueClicks, clickRate, states.DELIVERED, ...),
 * data-variant (the variant's name) inside a variant's row, and data-value (the report's value
 * as it came, for comparison with the API) beside its text for people.
 */
(function () {
  'use strict';

  var STATES = ['ACCEPTED', 'HELD', 'SCHEDULED', 'REJECTED', 'SUBMITTED', 'DELIVERED', 'UNDELIVERABLE', 'EXPIRED',
    'FAILED', 'REFUSED'];
  var POLL_RUNNING_MS = 3000;
  var POLL_IDLE_MS = 15000;

  function $(id) { return document.getElementById(id); }

  var body = document.body;
  var view = body.getAttribute('data-view');
  var campaignId = body.getAttribute('data-campaign') || '';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var timer = null;

  // ---------- small helpers ----------

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (attrs[k] === undefined || attrs[k] === null) continue;
      if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, String(attrs[k]));
    }
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function str(v) { return v === undefined || v === null ? '' : String(v); }
  function num(v) { var n = Number(v); return isFinite(n) ? n : 0; }
  function count(v) { return num(v).toLocaleString('en-US'); }
  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function when(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return str(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
      + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function percent(rate) {
    var p = num(rate) * 100;
    return (p === 0 ? '0' : p < 10 ? p.toFixed(2) : p.toFixed(1)) + '%';
  }

  /** Sets a field element's text and its data-value (the API's value as it came). */
  function setField(e, raw, text) {
    e.setAttribute('data-value', str(raw));
    e.textContent = text === undefined ? str(raw) : text;
  }

  /** A cell or tile value: data-field, data-variant when given, data-value and the text. */
  function field(tag, name, variant, raw, text, cls) {
    var e = el(tag, { 'data-field': name, 'data-variant': variant, 'class': cls });
    setField(e, raw, text);
    return e;
  }

  function message(text, kind) {
    var box = $('message');
    box.className = kind || '';
    $('message-text').textContent = text;
    box.hidden = !text;
  }

  // ---------- talking to the router ----------

  function request(method, path, payload) {
    var init = { method: method, cache: 'no-store', credentials: 'same-origin', headers: { 'Accept': 'application/json' } };
    if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
    if (payload !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = data && data.error || {};
          var e = new Error(str(err.message || 'HTTP ' + res.status));
          e.status = res.status;
          e.code = str(err.code);
          throw e;
        }
        return data;
      });
    });
  }

  function reportPath() {
    return '/campaigns/' + encodeURIComponent(campaignId) + '/report.json';
  }

  // ---------- the views ----------

  function showLogin() {
    $('app').hidden = true;
    $('missing-view').hidden = true;
    $('login-view').hidden = false;
    $('token').focus();
  }

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var token = $('token').value.trim();
    var error = $('login-error');
    if (!token) {
      error.textContent = 'Enter your API key or the admin token.';
      error.hidden = false;
      return;
    }
    $('login-btn').disabled = true;
    request('POST', '/campaigns/login', { token: token }).then(function () {
      $('token').value = '';
      location.reload();
    }, function (e) {
      $('login-btn').disabled = false;
      error.textContent = e.status === 401 ? 'The router knows no such API key or admin token.' : e.message;
      error.hidden = false;
    });
  });

  $('logout').addEventListener('click', function () {
    request('POST', '/campaigns/logout').then(function () { location.reload(); },
      function (e) { message('Logging out failed: ' + e.message, 'error'); });
  });

  // ---------- the report ----------

  function tile(label, name, raw, text) {
    var d = el('div', { 'class': 'tile' });
    d.append(el('dt', null, label), field('dd', name, null, raw, text));
    return d;
  }

  function renderSummary(r) {
    var name = str(r.name);
    $('title').textContent = name || 'Campaign';
    $('title').setAttribute('data-value', name);
    document.title = (name || 'Campaign') + ' · Campaign · SMS router';
    var status = str(r.status);
    var badge = $('status');
    setField(badge, status);
    badge.className = 'status status-' + status.toLowerCase().replace(/[^a-z]/g, '');
    document.querySelectorAll('.status-line [data-field]').forEach(function (e) {
      var f = e.getAttribute('data-field');
      if (f === 'status') return;
      var v = r[f];
      setField(e, v, f === 'createdAt' || f === 'nextRunAt' ? when(v) : (v === undefined || v === null ? '–' : str(v)));
    });
    $('next-run-wrap').hidden = !r.nextRunAt;
    var states = r.states || {};
    var tiles = $('tiles');
    tiles.replaceChildren(
      tile('Total', 'total', r.total, count(r.total)),
      tile('Pending', 'pending', r.pending, count(r.pending)),
      tile('Delivered', 'states.DELIVERED', num(states.DELIVERED), count(states.DELIVERED)),
      tile('Parts', 'parts', r.parts, count(r.parts)),
      tile('Cost', 'cost', r.cost, str(r.cost)),
      tile('Clicks', 'clicks', r.clicks, count(r.clicks)),
      tile('Unique clicks', 'uniqueClicks', r.uniqueClicks, count(r.uniqueClicks)),
      tile('Click rate', 'clickRate', r.clickRate, percent(r.clickRate)));
  }

  /** The states of SPEC §8 in their order, then any other state the report counts. */
  function stateNames(r) {
    var names = STATES.slice();
    Object.keys(r.states || {}).forEach(function (s) { if (names.indexOf(s) < 0) names.push(s); });
    return names;
  }

  function renderStates(r) {
    var STATES = stateNames(r);
    var head = $('states-head');
    head.replaceChildren(el('th', null, 'Variant'));
    STATES.forEach(function (s) { head.append(el('th', null, s.charAt(0) + s.slice(1).toLowerCase())); });
    var rows = [];
    var all = el('tr', { 'class': 'all' });
    all.append(el('th', { scope: 'row' }, 'All'));
    STATES.forEach(function (s) {
      var v = num((r.states || {})[s]);
      all.append(field('td', 'states.' + s, null, v, count(v), v === 0 ? 'zero' : undefined));
    });
    rows.push(all);
    (r.variants || []).forEach(function (variant) {
      var name = str(variant.name);
      var tr = el('tr', { 'data-variant': name });
      tr.append(el('th', { scope: 'row' }, name));
      STATES.forEach(function (s) {
        var v = num((variant.states || {})[s]);
        tr.append(field('td', 'states.' + s, name, v, count(v), v === 0 ? 'zero' : undefined));
      });
      rows.push(tr);
    });
    $('states-body').replaceChildren.apply($('states-body'), rows);
  }

  function renderVariants(r) {
    var rows = (r.variants || []).map(function (variant) {
      var name = str(variant.name);
      var tr = el('tr', { 'data-variant': name });
      var th = el('th', { scope: 'row', 'data-field': 'name', 'data-variant': name }, name);
      th.setAttribute('data-value', name);
      var states = variant.states || {};
      tr.append(th,
        field('td', 'share', name, variant.share, str(variant.share) + '%'),
        field('td', 'total', name, variant.total, count(variant.total)),
        field('td', 'pending', name, variant.pending, count(variant.pending)),
        field('td', 'states.DELIVERED', name, num(states.DELIVERED), count(states.DELIVERED)),
        field('td', 'parts', name, variant.parts, count(variant.parts)),
        field('td', 'cost', name, variant.cost, str(variant.cost)),
        field('td', 'clicks', name, variant.clicks, count(variant.clicks)),
        field('td', 'uniqueClicks', name, variant.uniqueClicks, count(variant.uniqueClicks)),
        field('td', 'clickRate', name, variant.clickRate, percent(variant.clickRate)));
      return tr;
    });
    $('variants-body').replaceChildren.apply($('variants-body'), rows);
  }

  /** Running totals: the charts show how many were delivered (clicked) by each time. */
  function cumulative(values, n) {
    var out = [], sum = 0;
    for (var i = 0; i < n; i++) {
      sum += num(values && values[i]);
      out.push(sum);
    }
    return out;
  }

  function renderCharts(r) {
    var t = r.timeline || {};
    var start = Date.parse(t.start);
    var bucketMs = num(t.bucketSeconds) * 1000;
    var tv = Array.isArray(t.variants) ? t.variants : [];
    var n = 0;
    tv.forEach(function (v) {
      n = Math.max(n, (v.sent || []).length, (v.delivered || []).length, (v.clicks || []).length);
    });
    var x = [];
    if (!isNaN(start) && bucketMs > 0 && n > 0) {
      // a point at the start (nothing yet) and one at the end of each bucket
      for (var i = 0; i <= n; i++) x.push(start + i * bucketMs);
    }
    function series(key) {
      return tv.map(function (v) {
        return { name: str(v.name), values: [0].concat(cumulative(v[key], n)) };
      });
    }
    Charts.line($('chart-delivery'), { x: x, series: series('delivered'), label: 'Delivery over time, per variant',
      empty: 'Nothing sent yet' });
    Charts.line($('chart-clicks'), { x: x, series: series('clicks'), label: 'Clicks over time, per variant',
      empty: r.trackLinks === false ? 'This campaign does not track links' : 'No clicks yet' });
  }

  function render(r) {
    renderSummary(r);
    renderStates(r);
    renderVariants(r);
    renderCharts(r);
    var now = new Date();
    $('updated').textContent = pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds());
    body.setAttribute('data-loaded', String(Date.now()));
  }

  function schedule(status) {
    clearTimeout(timer);
    var ms = status === 'RUNNING' ? POLL_RUNNING_MS : POLL_IDLE_MS;
    timer = setTimeout(load, ms);
  }

  function load() {
    request('GET', reportPath()).then(function (r) {
      if (!r || typeof r !== 'object') throw new Error('the router answered with something that is not a report');
      message('');
      render(r);
      schedule(str(r.status));
    }).catch(function (e) {
      if (e.status === 401) {
        message('Your session has ended: log in again.', 'error');
        showLogin();
        return;
      }
      if (e.status === 404) {
        $('app').hidden = true;
        $('missing-view').hidden = false;
        return;
      }
      message('Could not load the report: ' + e.message, 'error');
      schedule('RUNNING');
    });
  }

  $('logout').hidden = !csrf;
  if (view === 'login') {
    showLogin();
  } else if (view === 'missing') {
    $('missing-view').hidden = false;
  } else if (view === 'report') {
    $('app').hidden = false;
    load();
  }
})();
