(function () {
  'use strict';

  var API = '/api/v1/moderation';
  var POLL_MS = 2000;
  var QUEUE_LIMIT = 500;
  var DECISIONS_LIMIT = 20;
  // only the name is remembered, to fill in the login form; the token is never stored
  var KEY_NAME = 'smsrouter.moderation.moderator';

  function $(id) { return document.getElementById(id); }

  var state = {
    session: null,          // {csrf} while logged in; a new object at every login
    moderator: '',
    rows: new Map(),        // id -> row {id, tr, item, sig, receivedAt, rejectMode, cells}
    selected: new Set(),    // ids ticked
    busy: new Set(),        // ids with a decision in flight
    epoch: 0,               // bumped by every decision and filter change: older polls are dropped
    polling: false,
    pollAgain: false,
    pollTimer: null,
  };

  // ---------- the API ----------

  function ApiError(status, code, message) {
    this.status = status; this.code = code; this.message = message;
  }
  ApiError.prototype.toString = function () { return this.message + ' (' + this.code + ')'; };

  /**
   * A request to this router. The session cookie (HttpOnly: this script cannot read it) goes along
   * by itself; a request that changes something carries the session's CSRF token as well.
   */
  function api(method, path, body) {
    var init = { method: method, cache: 'no-store', credentials: 'same-origin',
      headers: { 'Accept': 'application/json' } };
    if (method !== 'GET' && state.session) init.headers['X-CSRF-Token'] = state.session.csrf;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = data && data.error || {};
          throw new ApiError(res.status, String(err.code || 'http_' + res.status),
            String(err.message || ('HTTP ' + res.status + ' ' + res.statusText)));
        }
        if (data === null || typeof data !== 'object') {
          throw new ApiError(res.status, 'bad_response', 'the router answered with something that is not JSON');
        }
        return data;
      });
    }, function (e) {
      throw new ApiError(0, 'network', 'cannot reach the router: ' + (e && e.message || e));
    });
  }

  function queuePath() {
    var q = new URLSearchParams();
    var account = $('filter-account').value, category = $('filter-category').value;
    if (account) q.set('account', account);
    if (category) q.set('category', category);
    q.set('limit', String(QUEUE_LIMIT));
    return API + '/queue?' + q.toString();
  }

  function decisionBody(extra) {
    var body = {};
    if (state.moderator) body.moderator = state.moderator;  // the router records the session's name anyway
    for (var k in extra) if (extra[k] !== undefined && extra[k] !== '') body[k] = extra[k];
    return body;
  }

  // ---------- small DOM helpers ----------

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (attrs[k] === undefined || attrs[k] === null || attrs[k] === false) continue;
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k] === true ? '' : String(attrs[k]));
    }
    if (children) children.forEach(function (c) { if (c != null) e.append(c); });
    return e;
  }

  function str(v) { return v === undefined || v === null ? '' : String(v); }
  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function clock(d) { return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()); }

  function heldAtLabel(d) {
    var now = new Date();
    if (d.toDateString() === now.toDateString()) return clock(d);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + clock(d);
  }

  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + pad(s % 60) + ' s';
    var h = Math.floor(m / 60);
    if (h < 24) return h + ' h ' + pad(m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  /**
   * `s` as text nodes with every match of `field` wrapped in <mark class="hit" title="category">.
   * Offsets are UTF-16 (as JavaScript strings), end exclusive; overlapping matches are merged.
   */
  function highlighted(value, matches, field) {
    var s = str(value);
    var frag = document.createDocumentFragment();
    var spans = [];
    (Array.isArray(matches) ? matches : []).forEach(function (m) {
      if (!m || (m.field || 'text') !== field) return;
      var start = Number(m.start), end = Number(m.end);
      if (!isFinite(start) || !isFinite(end)) return;
      start = Math.max(0, Math.min(s.length, Math.floor(start)));
      end = Math.max(0, Math.min(s.length, Math.floor(end)));
      // never cut a surrogate pair in half
      if (start > 0 && start < s.length && isLow(s.charCodeAt(start)) && isHigh(s.charCodeAt(start - 1))) start--;
      if (end > 0 && end < s.length && isLow(s.charCodeAt(end)) && isHigh(s.charCodeAt(end - 1))) end++;
      if (end <= start) return;
      spans.push({ start: start, end: end, cats: [str(m.category)], words: [str(m.word)] });
    });
    spans.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var merged = [];
    spans.forEach(function (sp) {
      var last = merged[merged.length - 1];
      if (last && sp.start < last.end) {
        last.end = Math.max(last.end, sp.end);
        last.cats = last.cats.concat(sp.cats);
        last.words = last.words.concat(sp.words);
      } else {
        merged.push(sp);
      }
    });
    var pos = 0;
    merged.forEach(function (sp) {
      if (sp.start > pos) frag.append(document.createTextNode(s.slice(pos, sp.start)));
      var cats = unique(sp.cats.filter(Boolean));
      var mark = el('mark', { 'class': 'hit', title: cats.join(', ') || 'stop word' });
      mark.setAttribute('data-word', unique(sp.words.filter(Boolean)).join(', '));
      mark.textContent = s.slice(sp.start, sp.end);
      frag.append(mark);
      pos = sp.end;
    });
    if (pos < s.length) frag.append(document.createTextNode(s.slice(pos)));
    return frag;
  }
  function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }
  function isLow(c) { return c >= 0xdc00 && c <= 0xdfff; }
  function unique(a) { return a.filter(function (v, i) { return a.indexOf(v) === i; }); }

  // ---------- status / error area ----------

  function showMessage(text, kind, source) {
    var m = $('message');
    m.className = kind || 'info';
    m.setAttribute('data-source', source || 'action');
    m.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    $('message-text').textContent = text;
    m.hidden = false;
  }
  function clearMessage(source) {
    var m = $('message');
    if (source && m.getAttribute('data-source') !== source) return;
    m.hidden = true;
    $('message-text').textContent = '';
  }
  $('message-close').addEventListener('click', function () { clearMessage(); });

  function describe(e) {
    return e instanceof ApiError ? e.message + ' (' + e.code + ')' : String(e && e.message || e);
  }

  // ---------- login / logout ----------

  function loginError(text) {
    $('login-error').textContent = text || '';
    $('login-error').hidden = !text;
  }

  function showLogin(reason) {
    $('app').hidden = true;
    $('session').hidden = true;
    $('login-view').hidden = false;
    loginError(reason);
    $('moderator').value = sessionStorage.getItem(KEY_NAME) || '';
    $('token').focus();
  }

  function showApp() {
    $('login-view').hidden = true;
    $('app').hidden = false;
    $('session').hidden = false;
    $('who').textContent = state.moderator ? 'Moderator: ' + state.moderator : 'Moderator: (no name)';
  }

  function startSession(data) {
    state.session = { csrf: String(data.csrfToken || '') };
    state.moderator = str(data.moderator);
  }

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var token = $('token').value.trim();
    var name = $('moderator').value.trim();
    if (!token) { loginError('Enter the admin token.'); return; }
    $('login-btn').disabled = true;
    loginError('');
    api('POST', '/moderation/login', { token: token, moderator: name }).then(function (data) {
      $('token').value = '';
      sessionStorage.setItem(KEY_NAME, name);
      startSession(data);
      clearMessage();
      showApp();
      refreshSoon();
    }, function (e) {
      loginError(e.status === 401 ? 'Wrong token: the router refused it (' + e.message + ').'
        : 'Could not log in: ' + describe(e));
      $('token').select();
    }).then(function () { token = null; $('login-btn').disabled = false; });
  });

  /** Forgets the session here; `end` also ends it on the router (the Log out button). */
  function logout(reason, end) {
    if (end && state.session) api('POST', '/moderation/logout').catch(function () {});
    state.session = null;
    clearTimeout(state.pollTimer);
    state.epoch++;
    state.rows.forEach(function (row) { row.tr.remove(); });
    state.rows.clear();
    state.selected.clear();
    state.busy.clear();
    $('decisions').textContent = '';
    $('total').textContent = '–';
    $('updated').textContent = 'never';
    hideBulkReject();
    clearMessage();
    showLogin(reason);
  }
  $('logout').addEventListener('click', function () { logout('', true); });

  var ENDED = 'Your session has ended (logged out, idle for too long, or the router restarted); log in again.';

  /**
   * A 403 csrf_failed: the cookie now belongs to another session (a login in another tab of this
   * browser). Takes that session's CSRF token, or shows the login form when there is none.
   */
  function resync() {
    return api('GET', '/moderation/session').then(function (data) {
      startSession(data);
      showApp();
    }, function (e) {
      if (e.status === 401) logout(ENDED);
    });
  }

  // ---------- polling ----------

  function refreshSoon() {
    state.epoch++;
    clearTimeout(state.pollTimer);
    poll();
  }

  function poll() {
    if (!state.session) return;
    if (state.polling) { state.pollAgain = true; return; }
    state.polling = true;
    state.pollAgain = false;
    var epoch = state.epoch, session = state.session;
    Promise.all([api('GET', queuePath()), loadDecisions()]).then(function (res) {
      if (session !== state.session) return;
      if (epoch !== state.epoch) { state.pollAgain = true; return; }
      renderQueue(res[0]);
      clearMessage('poll');
    }, function (e) {
      if (session !== state.session) return;
      if (e.status === 401) { logout(ENDED); return; }
      showMessage('Could not refresh the queue: ' + describe(e) + '. Retrying…', 'error', 'poll');
    }).then(function () {
      state.polling = false;
      if (state.session) {
        clearTimeout(state.pollTimer);
        state.pollTimer = setTimeout(poll, state.pollAgain ? 0 : POLL_MS);
      }
    });
  }

  // ---------- the queue ----------

  function fillSelect(select, values, allLabel) {
    var list = (Array.isArray(values) ? values : []).map(str).filter(Boolean);
    var current = select.value;
    if (current && list.indexOf(current) < 0) list.push(current);  // keep a filter that matches nothing now
    var key = list.join('\u0000');
    if (select.getAttribute('data-key') === key) return;
    select.setAttribute('data-key', key);
    select.textContent = '';
    select.append(el('option', { value: '', text: allLabel }));
    list.forEach(function (v) { select.append(el('option', { value: v, text: v })); });
    select.value = current;
  }

  function renderQueue(data) {
    var items = Array.isArray(data.items) ? data.items : [];
    fillSelect($('filter-account'), data.accounts, 'All accounts');
    fillSelect($('filter-category'), data.categories, 'All categories');
    var total = typeof data.total === 'number' ? data.total : items.length;
    $('total').textContent = String(total);
    $('shown').textContent = items.length < total ? ' (showing the oldest ' + items.length + ')' : '';
    var now = new Date();
    $('updated').textContent = clock(now);
    $('updated').setAttribute('datetime', now.toISOString());
    document.title = (total > 0 ? '(' + total + ') ' : '') + 'Moderation · SMS router';

    var ids = [];
    var seen = new Set();
    items.forEach(function (item) {
      var id = str(item && item.id);
      if (!id || seen.has(id)) return;
      seen.add(id);
      ids.push(id);
    });
    // first drop what is gone, so that rows that stay are not moved (moving a row would take the
    // focus away from a reason being typed in it)
    state.rows.forEach(function (row, id) {
      if (!seen.has(id)) { row.tr.remove(); state.rows.delete(id); }
    });
    var tbody = $('queue-body');
    var receivedAt = Date.now();
    var pos = 0;
    items.forEach(function (item) {
      var id = str(item && item.id);
      if (!id || ids[pos] !== id) return;
      var row = state.rows.get(id);
      if (!row) { row = createRow(id); state.rows.set(id, row); }
      updateRow(row, item, receivedAt);
      if (tbody.children[pos] !== row.tr) tbody.insertBefore(row.tr, tbody.children[pos] || null);
      pos++;
    });
    state.selected.forEach(function (id) { if (!state.rows.has(id)) state.selected.delete(id); });
    $('empty').hidden = ids.length > 0;
    syncSelection();
  }

  function createRow(id) {
    var tr = el('tr', { 'class': 'held', 'data-id': id });
    var check = el('input', { type: 'checkbox', 'class': 'select', 'aria-label': 'Select message ' + id });
    var approve = el('button', { type: 'button', 'class': 'approve ok small', text: 'Approve' });
    var reject = el('button', { type: 'button', 'class': 'reject bad small', text: 'Reject' });
    var cells = {
      select: el('td', { 'class': 'c-select' }, [check]),
      held: el('td', { 'class': 'c-held', 'data-label': 'Held' }),
      account: el('td', { 'class': 'c-account', 'data-label': 'Account' }),
      from: el('td', { 'class': 'c-from', 'data-label': 'From' }),
      to: el('td', { 'class': 'c-to', 'data-label': 'To' }),
      text: el('td', { 'class': 'c-text', 'data-label': 'Text' }),
      reason: el('td', { 'class': 'c-reason', 'data-label': 'Reason' }),
      actions: el('td', { 'class': 'c-actions' }),
    };
    var campaign = el('div', { 'class': 'campaign-actions', hidden: true });
    cells.actions.append(el('div', { 'class': 'actions' }, [approve, reject]), campaign);
    for (var k in cells) tr.append(cells[k]);
    return { id: id, tr: tr, item: null, sig: null, receivedAt: 0, rejectMode: null, rejectForm: null,
      cells: cells, check: check, campaign: campaign, campaignKey: null, waited: null };
  }

  function updateRow(row, item, receivedAt) {
    row.item = item;
    row.receivedAt = receivedAt;
    var sig = JSON.stringify([item.account, item.from, item.to, item.text, item.heldAt, item.heldAtMs,
      item.reason, item.operator, item.matches, item.categories]);
    if (sig !== row.sig) {
      row.sig = sig;
      var c = row.cells;
      var heldMs = typeof item.heldAtMs === 'number' ? item.heldAtMs : Date.parse(item.heldAt);
      c.held.textContent = '';
      row.waited = el('span', { 'class': 'waited' });
      if (isFinite(heldMs)) {
        var d = new Date(heldMs);
        c.held.append(el('time', { datetime: d.toISOString(), title: d.toISOString(), text: heldAtLabel(d) }));
      } else {
        c.held.append(el('span', { text: str(item.heldAt) }));
      }
      c.held.append(row.waited);
      c.account.textContent = str(item.account);
      c.from.textContent = '';
      c.from.append(el('span', { 'class': 'sender', dir: 'auto' }, [highlighted(item.from, item.matches, 'sender')]));
      c.to.textContent = str(item.to);
      if (item.operator) c.to.append(el('span', { 'class': 'op', title: 'operator', text: 'via ' + str(item.operator) }));
      c.text.textContent = '';
      c.text.append(el('div', { 'class': 'msgtext', dir: 'auto' }, [highlighted(item.text, item.matches, 'text')]));
      c.reason.textContent = '';
      var reason = str(item.reason);
      c.reason.append(el('span', { 'class': 'badge reason reason-' + reason.replace(/[^a-z_]/gi, ''),
        'data-reason': reason, text: reason === 'stop_word' ? 'stop word' : reason === 'part' ? 'part of a held message' : reason }));
      (Array.isArray(item.categories) ? item.categories : []).forEach(function (cat) {
        c.reason.append(el('span', { 'class': 'badge cat', text: str(cat) }));
      });
    }
    tickRow(row, Date.now());
    var size = Number(item.campaignSize) || 0;
    var key = size > 1 ? str(item.campaign) + '/' + size : '';
    if (key !== row.campaignKey) {
      row.campaignKey = key;
      row.campaign.textContent = '';
      row.campaign.hidden = !key;
      if (key) {
        var what = 'every held message of campaign ' + str(item.campaign) + ' (' + size + ')';
        row.campaign.append(
          el('span', { 'class': 'caption', title: 'campaign ' + str(item.campaign), text: 'Whole campaign (' + size + '):' }),
          el('button', { type: 'button', 'class': 'approve-campaign ok small', title: 'Approve ' + what,
            text: 'Approve all' }),
          el('button', { type: 'button', 'class': 'reject-campaign bad small', title: 'Reject ' + what,
            text: 'Reject all' }));
      }
      if (row.rejectMode === 'campaign') {
        var btn = row.rejectForm && row.rejectForm.querySelector('.reject-confirm');
        if (btn) btn.textContent = confirmLabel(row);
      }
    }
    setBusy(row, state.busy.has(row.id));
  }

  function tickRow(row, now) {
    var item = row.item;
    if (!item || !row.waited) return;
    var s = typeof item.waitedSeconds === 'number' ? item.waitedSeconds + (now - row.receivedAt) / 1000
      : (now - (item.heldAtMs || Date.parse(item.heldAt))) / 1000;
    if (!isFinite(s)) { row.waited.textContent = ''; return; }
    row.waited.textContent = 'waited ' + duration(s);
    row.waited.classList.toggle('long', s >= 600);
  }
  setInterval(function () {
    var now = Date.now();
    state.rows.forEach(function (row) { tickRow(row, now); });
  }, 1000);

  function setBusy(row, busy) {
    row.tr.classList.toggle('busy', busy);
    row.tr.querySelectorAll('button').forEach(function (b) { b.disabled = busy; });
  }

  // ---------- selection ----------

  function syncSelection() {
    var n = 0;
    state.rows.forEach(function (row, id) {
      var on = state.selected.has(id);
      row.check.checked = on;
      row.tr.classList.toggle('selected', on);
      if (on) n++;
    });
    var all = $('select-all');
    all.checked = n > 0 && n === state.rows.size;
    all.indeterminate = n > 0 && n < state.rows.size;
    $('approve-selected').disabled = n === 0;
    $('reject-selected').disabled = n === 0;
    $('approve-selected').textContent = n ? 'Approve selected (' + n + ')' : 'Approve selected';
    $('reject-selected').textContent = n ? 'Reject selected (' + n + ')' : 'Reject selected';
    $('bulk-reject-confirm').textContent = 'Reject ' + plural(n, 'message', 'messages');
    $('bulk-reject-confirm').disabled = n === 0;
  }

  $('select-all').addEventListener('change', function () {
    var on = $('select-all').checked;
    state.rows.forEach(function (row, id) { if (on) state.selected.add(id); else state.selected.delete(id); });
    syncSelection();
  });

  // ---------- decisions ----------

  function after(promise, ids, kind) {
    var verb = kind === 'approve' ? 'Approved' : 'Rejected';
    ids.forEach(function (id) { state.busy.add(id); var r = state.rows.get(id); if (r) setBusy(r, true); });
    return promise.then(function (res) {
      var decided = Array.isArray(res.ids) ? res.ids.map(str) : [];
      var notHeld = Array.isArray(res.notHeld) ? res.notHeld.map(str) : [];
      var count = typeof res.count === 'number' ? res.count : decided.length;
      decided.concat(notHeld).forEach(function (id) {
        var r = state.rows.get(id);
        if (r) { r.tr.remove(); state.rows.delete(id); }
        state.selected.delete(id);
      });
      var text = verb + ' ' + plural(count, 'message', 'messages') + '.';
      if (notHeld.length) {
        text += ' ' + (notHeld.length === 1 ? '1 message was' : notHeld.length + ' messages were')
          + ' no longer held: ' + notHeld.join(', ') + '.';
      }
      showMessage(text, notHeld.length ? 'info' : 'ok');
      return true;
    }, function (e) {
      if (e.status === 401) { logout(ENDED); return false; }
      if (e.code === 'csrf_failed') {
        showMessage('Nothing was decided: the session of this browser changed (' + e.message + '). Try again.', 'error');
        resync();
        return false;
      }
      if (e.code === 'not_held') {
        showMessage('Already decided (' + ids.join(', ') + '): ' + e.message, 'error');
        ids.forEach(function (id) { state.selected.delete(id); });
      } else {
        showMessage('Could not ' + kind + ' ' + ids.join(', ') + ': ' + describe(e), 'error');
      }
      return false;
    }).then(function (ok) {
      ids.forEach(function (id) { state.busy.delete(id); var r = state.rows.get(id); if (r) setBusy(r, false); });
      syncSelection();
      $('empty').hidden = state.rows.size > 0;
      if (state.session) refreshSoon();
      return ok;
    });
  }

  function decideOne(id, kind, campaign, reason) {
    var body = decisionBody({ reason: reason, campaign: campaign ? true : undefined });
    var p = api('POST', API + '/' + encodeURIComponent(id) + '/' + kind, body);
    return after(p, [id], kind);
  }

  function decideMany(ids, kind, reason) {
    var p = api('POST', API + '/' + kind, decisionBody({ ids: ids, reason: reason }));
    return after(p, ids, kind);
  }

  function openReject(row, mode) {
    if (row.rejectForm) {
      row.rejectMode = mode;
    } else {
      var input = el('input', { type: 'text', 'class': 'reject-reason', maxlength: 200,
        placeholder: 'Reason for rejecting', 'aria-label': 'Reason for rejecting message ' + row.id });
      var form = el('form', { 'class': 'reject-form' }, [input,
        el('button', { type: 'submit', 'class': 'reject-confirm bad small', text: 'Confirm reject' }),
        el('button', { type: 'button', 'class': 'reject-cancel small', text: 'Cancel' })]);
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var reason = input.value.trim();
        var campaign = row.rejectMode === 'campaign';
        decideOne(row.id, 'reject', campaign, reason).then(function (ok) { if (ok) closeReject(row); });
      });
      input.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') closeReject(row); });
      row.cells.actions.append(form);
      row.rejectForm = form;
      row.rejectMode = mode;
      if (state.busy.has(row.id)) setBusy(row, true);
    }
    row.rejectForm.querySelector('.reject-confirm').textContent = confirmLabel(row);
    row.tr.querySelector('.reject').classList.toggle('active', mode === 'one');
    var rc = row.tr.querySelector('.reject-campaign');
    if (rc) rc.classList.toggle('active', mode === 'campaign');
    row.rejectForm.querySelector('.reject-reason').focus();
  }

  function confirmLabel(row) {
    var size = Number(row.item && row.item.campaignSize) || 0;
    return row.rejectMode === 'campaign' && size > 1 ? 'Reject all (' + size + ')' : 'Confirm reject';
  }

  function closeReject(row) {
    if (row.rejectForm) row.rejectForm.remove();
    row.rejectForm = null;
    row.rejectMode = null;
    row.tr.querySelectorAll('button.active').forEach(function (b) { b.classList.remove('active'); });
  }

  $('queue-body').addEventListener('click', function (ev) {
    var target = ev.target.closest('button, input.select');
    if (!target) return;
    var tr = target.closest('tr.held');
    var row = tr && state.rows.get(tr.getAttribute('data-id'));
    if (!row) return;
    var cls = target.classList;
    if (cls.contains('select')) return;  // handled on change
    if (cls.contains('approve')) decideOne(row.id, 'approve', false);
    else if (cls.contains('reject')) openReject(row, 'one');
    else if (cls.contains('approve-campaign')) decideOne(row.id, 'approve', true);
    else if (cls.contains('reject-campaign')) openReject(row, 'campaign');
    else if (cls.contains('reject-cancel')) closeReject(row);
  });

  $('queue-body').addEventListener('change', function (ev) {
    if (!ev.target.classList.contains('select')) return;
    var tr = ev.target.closest('tr.held');
    if (!tr) return;
    var id = tr.getAttribute('data-id');
    if (ev.target.checked) state.selected.add(id); else state.selected.delete(id);
    syncSelection();
  });

  function selectedIds() {
    // in queue order
    return Array.from(state.rows.keys()).filter(function (id) { return state.selected.has(id); });
  }

  $('approve-selected').addEventListener('click', function () {
    var ids = selectedIds();
    if (ids.length) decideMany(ids, 'approve');
  });

  function hideBulkReject() {
    $('bulk-reject').hidden = true;
    $('bulk-reason').value = '';
  }
  $('reject-selected').addEventListener('click', function () {
    $('bulk-reject').hidden = false;
    $('bulk-reason').focus();
  });
  $('bulk-reject-cancel').addEventListener('click', hideBulkReject);
  $('bulk-reason').addEventListener('keydown', function (ev) { if (ev.key === 'Escape') hideBulkReject(); });
  $('bulk-reject').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var ids = selectedIds();
    if (!ids.length) return;
    decideMany(ids, 'reject', $('bulk-reason').value.trim()).then(function (ok) { if (ok) hideBulkReject(); });
  });

  // ---------- filters ----------

  function readFiltersFromUrl() {
    var q = new URLSearchParams(location.search);
    ['account', 'category'].forEach(function (name) {
      var v = q.get(name);
      if (!v) return;
      var select = $('filter-' + name);
      select.append(el('option', { value: v, text: v }));
      select.value = v;
    });
  }

  function onFilter() {
    var q = new URLSearchParams(location.search);
    ['account', 'category'].forEach(function (name) {
      var v = $('filter-' + name).value;
      if (v) q.set(name, v); else q.delete(name);
    });
    var qs = q.toString();
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
    refreshSoon();
  }
  $('filter-account').addEventListener('change', onFilter);
  $('filter-category').addEventListener('change', onFilter);

  // ---------- recent decisions ----------

  var decisionsSeq = 0;
  function loadDecisions() {
    var seq = ++decisionsSeq;
    var session = state.session;
    return api('GET', API + '/decisions?limit=' + DECISIONS_LIMIT).then(function (data) {
      if (seq === decisionsSeq && session === state.session) renderDecisions(data);
    }, function (e) {
      if (e.status === 401) throw e;  // the queue poll handles it
      if (seq === decisionsSeq && session === state.session) {
        $('decisions').textContent = '';
        $('decisions-empty').hidden = false;
        $('decisions-empty').textContent = 'Could not load the decisions: ' + describe(e);
      }
    });
  }

  function renderDecisions(data) {
    var list = $('decisions');
    var items = Array.isArray(data.items) ? data.items : [];
    list.textContent = '';
    items.forEach(function (d) {
      var decision = str(d.decision).toUpperCase();
      var at = Date.parse(d.at);
      var li = el('li', { 'class': 'decision', 'data-id': str(d.id), 'data-decision': decision });
      li.append(
        el('span', { 'class': 'badge d-' + decision.toLowerCase().replace(/[^a-z]/g, ''), text: decision || '?' }),
        el('span', { 'class': 'd-id', text: str(d.id) }),
        document.createTextNode(' · '),
        el('span', { 'class': 'd-account', text: str(d.account) }));
      var meta = [];
      if (isFinite(at)) meta.push(heldAtLabel(new Date(at)));
      if (d.moderator) meta.push('by ' + str(d.moderator));
      li.append(el('span', { 'class': 'd-reason' }, [document.createTextNode(meta.join(' ')),
        d.reason ? el('span', { 'class': 'd-why', text: (meta.length ? ': ' : '') + str(d.reason) }) : null]));
      if (isFinite(at)) li.setAttribute('title', new Date(at).toISOString());
      list.append(li);
    });
    $('decisions-empty').textContent = 'No decisions yet.';
    $('decisions-empty').hidden = items.length > 0;
  }

  // ---------- start ----------

  readFiltersFromUrl();
  // a reload, or a new tab, finds the session by its cookie
  api('GET', '/moderation/session').then(function (data) {
    startSession(data);
    showApp();
    poll();
  }, function (e) {
    showLogin(e.status === 401 ? '' : 'Could not ask the router for the session: ' + describe(e));
  });
})();
