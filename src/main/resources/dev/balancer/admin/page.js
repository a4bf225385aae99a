// The status page: polls the status JSON every few seconds and updates the table in place (rows stay put, so a
// click on a button is never lost to a refresh). Data goes into the DOM as text only, never as HTML.
'use strict';
(function () {
  const REFRESH_MS = 2000;
  const TOKEN_KEY = 'balancer.adminToken';
  const STATES_THAT_CAN_DRAIN = ['healthy', 'backup', 'unhealthy', 'ejected'];
  const STATES_THAT_CAN_ENABLE = ['draining', 'down', 'unhealthy', 'ejected'];
  const byId = (id) => document.getElementById(id);
  const rows = new Map();

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
  }

  const COLUMNS = ['backend', 'state', 'weight', 'inflight', 'total', 'c2xx', 'c3xx', 'c4xx', 'c5xx', 'failures',
    'ewma', 'p50', 'p99', 'probe', 'actions'];

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
    for (const action of ['drain', 'enable']) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = action === 'drain' ? 'Drain' : 'Enable';
      button.addEventListener('click', () => act(id, action, button));
      row.cells[COLUMNS.indexOf('actions')].appendChild(button);
    }
    return row;
  }

  function fill(row, backend, now) {
    row.dataset.state = backend.state;
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
    for (const button of cell('actions').querySelectorAll('button')) {
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

  async function act(id, action, button) {
    button.disabled = true;
    try {
      const response = await fetch('backends/' + encodeURIComponent(id) + '/' + action,
          { method: 'POST', headers: authHeaders() });
      if (!response.ok) {
        showError(action + ' ' + id + ' failed: ' + await describe(response));
      }
    } catch (e) {
      showError(action + ' ' + id + ' failed: ' + e.message);
    } finally {
      button.disabled = false;
      await refresh();
    }
  }

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
  setInterval(refresh, REFRESH_MS);
})();
