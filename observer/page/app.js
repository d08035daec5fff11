// The observer page: renders every view from GET /api/snapshot, refetched when the event
// stream (/api/events) says processes or sockets changed, and at least once a second.
'use strict';
(function () {
  const $ = (s) => document.querySelector(s);
  const state = { snap: null, tab: 'graph', sort: 'pid', asc: true, page: 0, filter: '', trace: [], fetching: false, again: false, last: 0 };
  const PAGE = 100;
  const TRACE_KEEP = 1000;

  function cell(tr, v) { const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); return td; }
  function num(id) { const m = /<0\.(\d+)\.0>/.exec(id); return m ? Number(m[1]) : 0; }
  function bytes(n) { return n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MB' : n >= 1024 ? (n / 1024).toFixed(1) + ' kB' : n + ' B'; }

  // At most one snapshot in flight; the next waits twice as long as the last one took (at
  // least 250 ms), so a big system (10,000 processes: a few MB) is not refetched back to back.
  async function refresh() {
    if (state.fetching) { state.again = true; return; }
    state.fetching = true;
    const t0 = Date.now();
    try {
      const r = await fetch('/api/snapshot');
      if (r.ok) { state.snap = await r.json(); state.last = Date.now(); render(); }
    } catch (e) { $('#status').textContent = 'snapshot failed: ' + e; }
    const took = Date.now() - t0;
    setTimeout(() => {
      state.fetching = false;
      if (state.again) { state.again = false; refresh(); }
    }, Math.max(250, 2 * took));
  }

  function render() {
    const s = state.snap;
    if (!s) return;
    document.body.dataset.seq = String(s.seq);
    renderSystem(s);
    const g = window.ErlsockGraph.render($('#graph'), s, openProcess);
    $('#graph-note').textContent = g.hiddenProcs > 0 || g.hiddenSocks > 0
      ? ` — ${g.hiddenProcs} processes and ${g.hiddenSocks} sockets not drawn (see the tables)` : '';
    renderProcs(s);
    renderSocks(s);
    renderTree(s);
  }

  function renderSystem(s) {
    const y = s.system;
    const rows = [
      ['Processes', y.processes], ['Sockets', y.sockets], ['Run queue', y.run_queue],
      ['Scheduler load', (y.scheduler_load * 100).toFixed(1) + ' %'],
      ['Loop lag', `mean ${y.loop_lag_ms.mean} ms, max ${y.loop_lag_ms.max} ms`],
      ...Object.entries(y.memory).map(([k, v]) => ['Memory ' + k, bytes(v)]),
      ['Node', y.node], ['Observer uptime', y.uptime_s + ' s'],
    ];
    const dl = $('#system');
    dl.textContent = '';
    for (const [k, v] of rows) {
      const dt = document.createElement('dt'); dt.textContent = k; dl.appendChild(dt);
      const dd = document.createElement('dd'); dd.textContent = String(v); dd.dataset.key = k; dl.appendChild(dd);
    }
  }

  function renderProcs(s) {
    const f = state.filter.toLowerCase();
    let rows = s.processes.filter((p) => !f || p.pid.includes(f) || (p.registered_name || '').toLowerCase().includes(f) || p.current_function.toLowerCase().includes(f));
    const k = state.sort;
    const dir = state.asc ? 1 : -1;
    rows = rows.slice().sort((a, b) => {
      const x = k === 'pid' ? num(a.pid) : a[k];
      const y = k === 'pid' ? num(b.pid) : b[k];
      if (x === y) return num(a.pid) - num(b.pid);
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    $('#page-info').textContent = `page ${state.page + 1} of ${pages} (${rows.length} processes${s.truncated ? ', of ' + s.truncated.processes : ''})`;
    const tb = $('#proc-table tbody');
    tb.textContent = '';
    for (const p of rows.slice(state.page * PAGE, state.page * PAGE + PAGE)) {
      const tr = document.createElement('tr');
      tr.dataset.pid = p.pid;
      cell(tr, p.pid); cell(tr, p.registered_name || ''); cell(tr, p.current_function); cell(tr, p.status);
      cell(tr, p.reductions).dataset.col = 'reductions'; cell(tr, bytes(p.memory)); cell(tr, p.message_queue_len).dataset.col = 'message_queue_len';
      tr.addEventListener('click', () => openProcess(p.pid));
      tb.appendChild(tr);
    }
    for (const th of document.querySelectorAll('#proc-table th')) {
      th.classList.toggle('sorted', th.dataset.sort === k);
      th.classList.toggle('asc', th.dataset.sort === k && state.asc);
    }
  }

  function renderSocks(s) {
    const tb = $('#sock-table tbody');
    tb.textContent = '';
    for (const x of s.sockets) {
      const tr = document.createElement('tr');
      tr.dataset.socket = x.id;
      for (const v of [x.id, x.domain, x.type.toUpperCase(), x.protocol.toUpperCase(), x.fd, x.owner || 'undefined', x.local_address,
        x.remote_address, x.recv, x.sent, x.state, x.waiters.map((w) => `${w.pid} ${w.op}`).join(', ')]) cell(tr, v);
      tb.appendChild(tr);
    }
  }

  function renderTree(s) {
    // supervision: '$ancestors' of each process (nearest first); roots are processes with children but no parent drawn
    const children = new Map();
    const byPid = new Map(s.processes.map((p) => [p.pid, p]));
    for (const p of s.processes) {
      const parent = p.ancestors[0];
      if (parent && byPid.has(parent)) (children.get(parent) || children.set(parent, []).get(parent)).push(p.pid);
    }
    const roots = [...children.keys()].filter((pid) => { const a = byPid.get(pid).ancestors[0]; return !a || !byPid.has(a); });
    const div = $('#tree');
    div.textContent = '';
    if (roots.length === 0) { div.textContent = 'No supervision tree: no process has $ancestors in its dictionary.'; return; }
    const walk = (pid, parentEl) => {
      const li = document.createElement('li');
      const p = byPid.get(pid);
      li.textContent = `${pid} ${p.registered_name || p.initial_call}`;
      li.dataset.pid = pid;
      li.addEventListener('click', (e) => { e.stopPropagation(); openProcess(pid); });
      parentEl.appendChild(li);
      const kids = children.get(pid);
      if (kids) { const ul = document.createElement('ul'); li.appendChild(ul); for (const k of kids) walk(k, ul); }
    };
    const ul = document.createElement('ul');
    div.appendChild(ul);
    for (const r of roots) walk(r, ul);
  }

  async function openProcess(pid) {
    const r = await fetch('/api/process/' + encodeURIComponent(pid));
    const body = $('#detail-body');
    body.textContent = '';
    $('#detail').hidden = false;
    $('#detail').dataset.pid = pid;
    const h = document.createElement('h3'); h.textContent = pid; body.appendChild(h);
    if (!r.ok) { body.appendChild(document.createTextNode('process is gone')); return; }
    const d = await r.json();
    const pre = document.createElement('pre');
    pre.textContent = [
      `registered_name: ${d.registered_name || '[]'}`, `status: ${d.status}`, `initial_call: ${d.initial_call}`,
      `current_function: ${d.current_function}`, `reductions: ${d.reductions}`, `memory: ${d.memory} bytes (estimate)`,
      `message_queue_len: ${d.message_queue_len}`, `trap_exit: ${d.trap_exit}`, `links: [${d.links.join(', ')}]`,
      `monitors: [${d.monitors.join(', ')}]`, `monitored_by: [${d.monitored_by.join(', ')}]`,
      `ancestors: [${d.ancestors.join(', ')}]`,
      `dictionary: ${d.dictionary.map(([k, v]) => k + ' => ' + v).join('; ') || '[]'}`,
      d.state !== null ? `state${d.behaviour ? ' (' + d.behaviour + ', as of its last callback)' : ''}: ${d.state}` : '',
      `mailbox head (${d.messages_head.length} of ${d.message_queue_len}):`, ...d.messages_head.map((m) => '  ' + m),
    ].join('\n');
    body.appendChild(pre);
    if (state.snap && state.snap.allow_kill) {
      const b = document.createElement('button');
      b.id = 'kill';
      b.textContent = 'kill ' + pid;
      b.addEventListener('click', async () => {
        const r = await fetch('/api/kill/' + encodeURIComponent(pid), { method: 'POST', headers: { 'x-erlsock-observer': 'kill' } });
        b.textContent = r.ok ? 'killed' : 'kill failed: ' + r.status;
      });
      body.appendChild(b);
    }
  }

  function renderTrace() {
    const flag = $('#trace-filter').value;
    const txt = $('#trace-text').value.toLowerCase();
    const tb = $('#trace-table tbody');
    tb.textContent = '';
    let n = 0;
    for (let i = state.trace.length - 1; i >= 0 && n < 500; i--) {
      const e = state.trace[i];
      if (flag !== 'all' && e.flag !== flag) continue;
      if (txt && !e.text.toLowerCase().includes(txt)) continue;
      const tr = document.createElement('tr');
      tr.dataset.flag = e.flag;
      tr.dataset.tag = e.tag;
      cell(tr, new Date(e.time).toISOString().slice(11, 23)); cell(tr, e.flag); cell(tr, e.text);
      tb.appendChild(tr);
      n++;
    }
  }

  function connect() {
    const es = new EventSource('/api/events');
    es.addEventListener('open', () => { $('#status').textContent = 'live'; $('#status').dataset.live = 'yes'; });
    es.addEventListener('error', () => { $('#status').textContent = 'reconnecting…'; $('#status').dataset.live = 'no'; });
    es.addEventListener('change', () => refresh());
    es.addEventListener('trace', (m) => {
      const d = JSON.parse(m.data);
      for (const e of d.events) state.trace.push(e);
      if (state.trace.length > TRACE_KEEP) state.trace.splice(0, state.trace.length - TRACE_KEEP);
      $('#trace-note').textContent = d.skipped > 0 ? `${d.skipped} events skipped (too many to show)` : '';
      if (state.tab === 'trace') renderTrace();
    });
  }

  for (const b of document.querySelectorAll('#tabs button')) {
    b.addEventListener('click', () => {
      state.tab = b.dataset.tab;
      for (const x of document.querySelectorAll('#tabs button')) x.classList.toggle('active', x === b);
      for (const sec of document.querySelectorAll('main > section')) sec.hidden = sec.id !== 'tab-' + state.tab;
      if (state.tab === 'trace') renderTrace();
    });
  }
  for (const th of document.querySelectorAll('#proc-table th[data-sort]')) {
    th.addEventListener('click', () => {
      const k = th.dataset.sort;
      if (state.sort === k) state.asc = !state.asc; else { state.sort = k; state.asc = k === 'pid' || k === 'registered_name' || k === 'current_function' || k === 'status'; }
      renderProcs(state.snap);
    });
  }
  $('#prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); renderProcs(state.snap); });
  $('#next').addEventListener('click', () => { state.page++; renderProcs(state.snap); });
  $('#proc-filter').addEventListener('input', (e) => { state.filter = e.target.value; state.page = 0; renderProcs(state.snap); });
  for (const id of ['#trace-filter', '#trace-text']) $(id).addEventListener('input', renderTrace);
  $('#detail-close').addEventListener('click', () => { $('#detail').hidden = true; });
  // mailbox lengths and reductions change without events: refetch once a second while visible
  setInterval(() => { if (!document.hidden && Date.now() - state.last >= 1000) refresh(); }, 1000);
  connect();
  refresh();
})();
