// The ownership graph as plain SVG with a deterministic layout: processes in columns, each
// with the sockets it owns to its right. Every process and socket is an element with
// data-kind="process" | "socket" and data-id its printed form; every edge has data-kind
// (owner, waiter, link, monitor, socket_monitor, supervision), data-from and data-to.
'use strict';
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const MAX_PROCS = 400;
  const MAX_SOCKS = 400;
  const COL_W = 440;
  const PX = 120; // the process circle's x in its slot (its label is to the left)
  const SX = 185; // the sockets' x in the slot
  const SW = 230;
  const COL_H = 720;
  const ROW = 26;

  function num(id) {
    const m = /<0\.(\d+)\.0>|#Socket<(\d+)>/.exec(id);
    return m ? Number(m[1] || m[2]) : 0;
  }
  function el(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, extra) {
    const t = el('text', Object.assign({ x, y }, extra || {}), parent);
    t.textContent = s;
    return t;
  }

  function render(svg, snap, onPick) {
    const procs = new Map(snap.processes.map((p) => [p.pid, p]));
    const owned = new Map();
    const waiting = new Set();
    for (const s of snap.sockets) {
      if (s.owner) (owned.get(s.owner) || owned.set(s.owner, []).get(s.owner)).push(s);
      for (const w of s.waiters) waiting.add(w.pid);
    }
    // which processes: owners and waiters first, then the rest, up to MAX_PROCS
    const order = [...procs.keys()].sort((a, b) => num(a) - num(b));
    const pick = [];
    const chosen = new Set();
    for (const pid of order) if ((owned.has(pid) || waiting.has(pid)) && pick.length < MAX_PROCS) { pick.push(pid); chosen.add(pid); }
    for (const pid of order) if (!chosen.has(pid) && pick.length < MAX_PROCS) { pick.push(pid); chosen.add(pid); }
    pick.sort((a, b) => num(a) - num(b));
    const hidden = order.length - pick.length + (snap.truncated ? snap.truncated.processes - snap.processes.length : 0);

    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const edges = el('g', { class: 'edges' }, svg);
    const nodes = el('g', { class: 'nodes' }, svg);
    const pos = new Map();
    let col = 0;
    let y = 20;
    let shownSocks = 0;
    const place = (h) => {
      if (y + h > COL_H && y > 20) { col++; y = 20; }
      const at = { x: col * COL_W + 30, y };
      y += h;
      return at;
    };
    for (const pid of pick) {
      const p = procs.get(pid);
      const mine = (owned.get(pid) || []).slice().sort((a, b) => num(a.id) - num(b.id));
      const socks = mine.slice(0, Math.max(0, MAX_SOCKS - shownSocks));
      shownSocks += socks.length;
      const h = Math.max(1, socks.length) * ROW + 18;
      const at = place(h);
      const g = el('g', { class: 'proc' + (p.registered_name ? ' named' : ''), 'data-kind': 'process', 'data-id': pid,
        transform: `translate(${at.x + PX},${at.y + 12})` }, nodes);
      el('circle', { r: 10, cx: 0, cy: 0 }, g);
      text(g, -14, -1, pid, { 'text-anchor': 'end' });
      text(g, -14, 11, (p.registered_name || p.current_function.replace(/^undefined:/, '')).slice(0, 18), { class: 'sub', 'text-anchor': 'end' });
      if (p.message_queue_len > 0) {
        el('circle', { class: 'badge', r: 6, cx: -9, cy: -9 }, g);
        text(g, -12, -6, p.message_queue_len > 99 ? '!' : String(p.message_queue_len), { fill: '#fff', style: 'fill:#fff;font-size:9px' });
      }
      g.addEventListener('click', () => onPick(pid));
      pos.set(pid, { x: at.x + PX, y: at.y + 12 });
      socks.forEach((s, i) => {
        const sx = at.x + SX;
        const sy = at.y + i * ROW + 2;
        const sg = el('g', { class: 'sock' + (/LG/.test(s.state) ? ' listen' : ''), 'data-kind': 'socket', 'data-id': s.id,
          transform: `translate(${sx},${sy})` }, nodes);
        el('rect', { x: 0, y: 0, width: SW, height: 20, rx: 3 }, sg);
        text(sg, 4, 14, `${s.id} ${/LG/.test(s.state) ? 'listen ' + s.local_address : s.remote_address || s.local_address}`);
        pos.set(s.id, { x: sx, y: sy + 10 });
      });
    }
    // sockets whose owner is not drawn (dead, or beyond the cap)
    const orphans = snap.sockets.filter((s) => !pos.has(s.id) && shownSocks < MAX_SOCKS);
    orphans.forEach((s) => {
      shownSocks++;
      const at = place(ROW);
      const sg = el('g', { class: 'sock', 'data-kind': 'socket', 'data-id': s.id, transform: `translate(${at.x + SX},${at.y})` }, nodes);
      el('rect', { x: 0, y: 0, width: SW, height: 20, rx: 3 }, sg);
      text(sg, 4, 14, `${s.id} (owner ${s.owner || 'none'})`);
      pos.set(s.id, { x: at.x + SX, y: at.y + 10 });
    });
    // edges
    for (const s of snap.sockets) {
      const sp = pos.get(s.id);
      if (!sp) continue;
      const op = s.owner && pos.get(s.owner);
      if (op) el('line', { class: 'owner', 'data-kind': 'owner', 'data-from': s.id, 'data-to': s.owner, x1: sp.x, y1: sp.y, x2: op.x + 10, y2: op.y }, edges);
      for (const m of s.monitored_by) {
        const mp = pos.get(m);
        if (mp) el('path', { class: 'monitor', 'data-kind': 'socket_monitor', 'data-from': m, 'data-to': s.id, d: `M${mp.x},${mp.y} L${sp.x},${sp.y}` }, edges);
      }
      s.waiters.forEach((w, i) => {
        const wp = pos.get(w.pid);
        // from the socket's bottom edge down and back to the waiting process (below the owner edge)
        if (wp) el('path', { class: 'waiter', 'data-kind': 'waiter', 'data-from': s.id, 'data-to': w.pid, 'data-op': w.op,
          d: `M${sp.x + 24 + i * 8},${sp.y + 10} Q${(sp.x + wp.x) / 2},${Math.max(sp.y, wp.y) + 22} ${wp.x + 4},${wp.y + 9}` }, edges);
      });
    }
    const curve = (a, b, bend) => {
      const mx = (a.x + b.x) / 2 - bend;
      const my = (a.y + b.y) / 2;
      return `M${a.x},${a.y} Q${mx},${my} ${b.x},${b.y}`;
    };
    for (const pid of pick) {
      const p = procs.get(pid);
      const a = pos.get(pid);
      for (const q of p.links) {
        const b = pos.get(q);
        if (b && num(pid) < num(q)) el('path', { class: 'link', 'data-kind': 'link', 'data-from': pid, 'data-to': q, d: curve(a, b, 40) }, edges);
      }
      for (const q of p.monitors) {
        const b = pos.get(q);
        if (b) el('path', { class: 'monitor', 'data-kind': 'monitor', 'data-from': pid, 'data-to': q, d: curve(a, b, 60) }, edges);
      }
      const parent = p.ancestors[0];
      const b = parent && pos.get(parent);
      if (b) el('path', { class: 'supervision', 'data-kind': 'supervision', 'data-from': parent, 'data-to': pid, d: curve(b, a, 25) }, edges);
    }
    svg.setAttribute('width', String((col + 1) * COL_W + 20));
    svg.setAttribute('height', String(col > 0 ? COL_H + 20 : Math.max(120, y + 20)));
    const socksHidden = snap.sockets.length - shownSocks + (snap.truncated ? snap.truncated.sockets - snap.sockets.length : 0);
    return { hiddenProcs: hidden, hiddenSocks: socksHidden };
  }

  window.ErlsockGraph = { render };
})();
