// The status page: polls the status JSON every few seconds and updates the table in place (rows stay put, so a
// click on a button is never lost to a refresh), draws each backend's history (charts.js), and drives the admin API:
// drain, enable, weight, remove and add, each after a confirmation. Data goes into the DOM as text only, never as HTML.
'use strict';
(function () {
  const REFRESH_MS = 2000;
  const HISTORY_MS = 5000;
  const TOKEN_KEY = 'balancer.adminToken';
  const STATES_THAT_CAN_DRAIN = ['healthy', 'backup', 'unhealthy', 'ejected'];
  const STATES_THAT_CAN_ENABLE = ['draining', 'down', 'unhealthy', 'ejected'];
  const byId = (id) => document.getElementById(id);
  const rows = new Map();
  let history = null;

  function authHeaders() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  async function refresh() {
    try {
      const response = await fetch('status', { headers: authHeaders(), cache: 'no-store' });
      if (response.status === 401) {
        showLogin(sessionStorage.getItem(TOKEN_KEY) ? 'That token was refused.' : '');
        return;
      }
      if (!response.ok) {
        throw new Error(await describe(response));
      }
      byId('login').hidden = true;
      byId('add').hidden = false;
      render(await response.json());
      showError(null);
    } catch (e) {
      showError('Cannot load the status: ' + e.message);
    }
  }

  async function describe(response) {
    try {
      return (await response.json()).error || ('HTTP ' + response.status);
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }

  function render(status) {
    byId('pool').textContent = status.pool;
    byId('summary').textContent = status.strategy + ' · ' + status.available + ' of ' + status.backends.length
        + ' backends available · ' + status.requests.total + ' requests · updated '
        + new Date(status.at).toLocaleTimeString();
    const seen = new Set();
    const body = byId('backends').tBodies[0];
    for (const backend of status.backends) {
      seen.add(backend.id);
      let row = rows.get(backend.id);
      if (!row) {
        row = newRow(backend.id);
        rows.set(backend.id, row);
      }
      body.appendChild(row); // keeps the server's order
      fill(row, backend, Date.parse(status.at));
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    byId('backends').hidden = false;
    drawHistory();
  }

  async function refreshHistory() {
    try {
      const response = await fetch('history', { headers: authHeaders(), cache: 'no-store' });
      if (response.ok) {
        history = await response.json();
        drawHistory();
      }
    } catch (e) {
      // The status poll reports an unreachable balancer; the charts just wait for the next round.
    }
  }

  function drawHistory() {
    if (!history) return;
    for (const backend of history.backends) {
      const row = rows.get(backend.id);
      if (row) {
        window.balancerCharts.draw(row.cells[COLUMNS.indexOf('history')], backend.samples, history.samples);
      }
    }
  }

  const COLUMNS = ['backend', 'state', 'weight', 'inflight', 'total', 'c2xx', 'c3xx', 'c4xx', 'c5xx', 'failures',
    'ewma', 'p50', 'p99', 'probe', 'history', 'actions'];
  const ACTIONS = { drain: 'Drain', enable: 'Enable', weight: 'Weight…', remove: 'Remove' };

  function newRow(id) {
    const row = document.createElement('tr');
    row.dataset.backend = id;
    for (const column of COLUMNS) {
      const cell = document.createElement('td');
      cell.className = column;
      row.appendChild(cell);
    }
    const name = document.createElement('span');
    name.className = 'id';
    name.textContent = id;
    const url = document.createElement('span');
    url.className = 'url';
    row.cells[0].append(name, url);
    const badge = document.createElement('span');
    badge.className = 'badge';
    const reason = document.createElement('span');
    reason.className = 'reason';
    row.cells[1].append(badge, reason);
    window.balancerCharts.create(row.cells[COLUMNS.indexOf('history')]);
    for (const [action, label] of Object.entries(ACTIONS)) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = label;
      button.addEventListener('click', () => act(id, action, button));
      row.cells[COLUMNS.indexOf('actions')].appendChild(button);
    }
    return row;
  }

  function fill(row, backend, now) {
    row.dataset.state = backend.state;
    row.dataset.weight = backend.weight;
    const cell = (column) => row.cells[COLUMNS.indexOf(column)];
    cell('backend').querySelector('.url').textContent = backend.url + (backend.backup ? ' (backup)' : '');
    cell('state').querySelector('.badge').textContent = backend.state;
    cell('state').querySelector('.reason').textContent = backend.reason + ' · ' + ago(Date.parse(backend.since), now);
    cell('state').title = backend.reason + ' since ' + backend.since;
    cell('weight').textContent = backend.effectiveWeight === backend.weight
        ? String(backend.weight) : backend.effectiveWeight + ' / ' + backend.weight;
    cell('inflight').textContent = backend.inFlight;
    cell('total').textContent = backend.requests.total;
    for (const c of ['2xx', '3xx', '4xx', '5xx']) {
      cell('c' + c).textContent = backend.requests[c];
    }
    cell('failures').textContent = backend.failures;
    cell('ewma').textContent = millis(backend.latencyMs.ewma);
    cell('p50').textContent = millis(backend.latencyMs.p50);
    cell('p99').textContent = millis(backend.latencyMs.p99);
    cell('probe').textContent = probe(backend.lastProbe, now);
    for (const button of cell('actions').querySelectorAll('button[data-action="drain"], button[data-action="enable"]')) {
      const allowed = button.dataset.action === 'drain' ? STATES_THAT_CAN_DRAIN : STATES_THAT_CAN_ENABLE;
      button.hidden = !allowed.includes(backend.state);
    }
  }

  function millis(value) {
    return value === null || value === undefined ? '–' : (value < 10 ? value.toFixed(2) : value.toFixed(0)) + ' ms';
  }

  function ago(then, now) {
    const seconds = Math.max(0, Math.round((now - then) / 1000));
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    return Math.round(seconds / 3600) + ' h ago';
  }

  function probe(result, now) {
    if (!result) return '–';
    const outcome = (result.passed ? '✓ ' : '✗ ') + (result.detail || (result.passed ? 'passed' : 'failed'));
    return outcome + ' · ' + millis(result.durationMs) + ' · ' + ago(Date.parse(result.at), now);
  }

  // What an action sends, after asking; null when the operator cancelled.
  function request(id, action) {
    const path = 'backends/' + encodeURIComponent(id);
    if (action === 'weight') {
      const current = rows.get(id).dataset.weight;
      const answer = window.prompt('New weight for ' + id + ' (1 to 1000):', current);
      if (answer === null || answer.trim() === '' || !window.confirm('Set the weight of ' + id + ' to ' + answer + '?')) return null;
      return { method: 'PATCH', path, body: { weight: Number(answer) } };
    }
    if (action === 'remove') {
      return window.confirm('Remove ' + id + '? It drains, then leaves the pool.') ? { method: 'DELETE', path } : null;
    }
    const what = action === 'drain' ? 'Drain ' + id + '? It gets no new requests.' : 'Enable ' + id + '? It gets traffic again.';
    return window.confirm(what) ? { method: 'POST', path: path + '/' + action } : null;
  }

  async function act(id, action, button) {
    const call = request(id, action);
    if (!call) return;
    button.disabled = true;
    try {
      await send(call, action + ' ' + id);
    } finally {
      button.disabled = false;
      await refresh();
    }
  }

  async function send(call, what) {
    const headers = authHeaders();
    const init = { method: call.method, headers };
    if (call.body) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(call.body);
    }
    try {
      const response = await fetch(call.path, init);
      if (!response.ok) {
        showError(what + ' failed: ' + await describe(response));
      }
      return response.ok;
    } catch (e) {
      showError(what + ' failed: ' + e.message);
      return false;
    }
  }

  byId('add').addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = byId('add-url').value.trim();
    const body = { url, weight: Number(byId('add-weight').value), backup: byId('add-backup').checked };
    if (!window.confirm('Add ' + url + ' with weight ' + body.weight + (body.backup ? ' as a backup' : '') + '?')) return;
    if (await send({ method: 'POST', path: 'backends', body }, 'adding ' + url)) {
      byId('add').reset();
    }
    await refresh();
  });

  function showError(message) {
    byId('error').hidden = !message;
    byId('error').textContent = message || '';
  }

  function showLogin(message) {
    byId('backends').hidden = true;
    byId('summary').textContent = 'This balancer\'s admin endpoints need a token.';
    byId('login-message').textContent = message;
    byId('login').hidden = false;
  }

  byId('login').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, byId('token').value);
    byId('token').value = '';
    refresh();
  });

  refresh();
  refreshHistory();
  setInterval(refresh, REFRESH_MS);
  setInterval(refreshHistory, HISTORY_MS);
})();
