// The observer page in a real browser: Debian's chromium driven by playwright-core (never
// a browser download). `erlsock echo server --observer 0` runs as a child process; real
// loopback clients connect; the page's DOM must show the listener owned by the acceptor and
// each client's socket owned by its handler, a new connection's socket appearing (and its
// move from the acceptor to the handler in the trace view), vanishing when closed; the
// process table sorts; the trace filter shows only socket events; with `erlsock supervised
// --observer 0` the Supervision tab nests the tree, the graph draws supervision edges and a
// supervisor's process view shows its state. A screenshot of the graph
// is saved (dist/test/observer-graph.png, or $ERLSOCK_SCREENSHOT_DIR/observer-graph.png:
// docs/ holds the README's). Chromium missing is a failure, not a skip: .ci/run installs it.
import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as http from 'http';
import { spawn, ChildProcess } from 'child_process';
import { chromium, Browser, Page } from 'playwright-core';
import type { Snapshot } from '../../observer';

/** The part of a DOM element these checks read (the tests compile without the DOM's types). */
interface DomElement { getAttribute(name: string): string | null; textContent: string | null }

const CHROMIUM = '/usr/bin/chromium';
/** Edges are lines, often of no height: wait for them in the DOM, not for an area. */
const ATTACHED = { state: 'attached' } as const;
const ROOT = path.join(__dirname, '..', '..', '..');

function fetch_json(url: string): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => resolve(JSON.parse(b) as Snapshot));
    }).on('error', reject);
  });
}

function client(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write('hello');
      s.once('data', () => resolve(s));
    });
    s.on('error', reject);
  });
}

/** Starts a CLI server with the observer (the echo server by default) → [child, its port, observer url]. */
function start_server(args = ['echo', 'server', '--quiet']): Promise<[ChildProcess, number, string]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/examples/cli.js'), ...args, '--observer', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let port = 0;
    const timer = setTimeout(() => reject(new Error(`no observer line in: ${out}`)), 10000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const l = /^listening \S+ (\d+)$/m.exec(out);
      if (l) port = Number(l[1]);
      const o = /^observer (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (port !== 0 && o) {
        clearTimeout(timer);
        resolve([child, port, o[1]!]);
      }
    });
    child.on('error', reject);
  });
}

describe('observer/page in chromium', function () {
  this.timeout(60000);
  let child: ChildProcess | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let port = 0;
  let url = '';
  const clients: net.Socket[] = [];

  before(async () => {
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).to.equal(true);
    [child, port, url] = await start_server();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // A cold start of Chromium on a loaded 2-core machine has taken over 20 s.
      timeout: 45000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    page.setDefaultTimeout(10000);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await browser?.close();
    if (child !== null && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('draws the listener owned by the acceptor and each client socket owned by its handler', async () => {
    clients.push(await client(port), await client(port));
    await page.goto(url);
    await page.waitForSelector('#status[data-live="yes"]');
    const snap = await fetch_json(`${url}api/snapshot`);
    const listener = snap.sockets.find((s) => /LG/.test(s.state))!;
    const acceptor = listener.owner!;
    await page.waitForSelector(`[data-kind="owner"][data-from="${listener.id}"][data-to="${acceptor}"]`, ATTACHED);
    expect(await page.locator(`[data-kind="process"][data-id="${acceptor}"]`).count()).to.equal(1);
    // the acceptor waits in accept on its listener
    expect(await page.locator(`[data-kind="waiter"][data-from="${listener.id}"][data-to="${acceptor}"][data-op="accept"]`).count()).to.equal(1);
    expect(await page.locator(`[data-kind="socket"][data-id="${listener.id}"]`).count()).to.equal(1);
    const handlers = new Set<string>();
    for (const c of clients) {
      const s = snap.sockets.find((x) => x.remote_address === `localhost:${c.localPort}`)!;
      expect(s.owner).to.not.equal(acceptor);
      await page.waitForSelector(`[data-kind="owner"][data-from="${s.id}"][data-to="${s.owner}"]`, ATTACHED);
      expect(await page.locator(`[data-kind="process"][data-id="${s.owner}"]`).count()).to.equal(1);
      handlers.add(s.owner!);
    }
    expect(handlers.size).to.equal(2);
    const dir = process.env.ERLSOCK_SCREENSHOT_DIR ?? path.join(ROOT, 'dist', 'test');
    const file = path.join(dir, 'observer-graph.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString()).to.equal('PNG');
    expect(png.readUInt32BE(16)).to.equal(1100);
  });

  it('a new connection: its socket appears owned by its handler, the trace shows the move, and it goes when closed', async () => {
    const before = await fetch_json(`${url}api/snapshot`);
    const acceptor = before.sockets.find((s) => /LG/.test(s.state))!.owner!;
    const c = await client(port);
    const snap = await fetch_json(`${url}api/snapshot`);
    const s = snap.sockets.find((x) => x.remote_address === `localhost:${c.localPort}`)!;
    expect(s.owner).to.not.equal(acceptor);
    await page.waitForSelector(`[data-kind="owner"][data-from="${s.id}"][data-to="${s.owner}"]`, ATTACHED);
    await page.click('#tabs button[data-tab="trace"]');
    await page.waitForSelector(`#trace-table tr[data-tag="socket_owner"] >> text=${s.id} ${acceptor} -> ${s.owner}`);
    c.destroy();
    await page.waitForSelector(`[data-kind="socket"][data-id="${s.id}"]`, { state: 'detached' });
    await page.waitForSelector(`[data-kind="process"][data-id="${s.owner}"]`, { state: 'detached' });
    await page.waitForSelector(`#trace-table tr[data-tag="socket_close"] >> text=${s.id}`);
    expect(await page.locator(`[data-kind="owner"][data-from="${s.id}"]`).count()).to.equal(0);
  });

  it('the trace filter shows only socket events', async () => {
    await page.click('#tabs button[data-tab="trace"]');
    await page.selectOption('#trace-filter', 'sockets');
    const flags = await page.locator('#trace-table tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as DomElement).getAttribute('data-flag')));
    expect(flags.length).to.be.above(0);
    expect(new Set(flags)).to.deep.equal(new Set(['sockets']));
    await page.selectOption('#trace-filter', 'procs');
    const procs = await page.locator('#trace-table tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as DomElement).getAttribute('data-flag')));
    expect(procs.length).to.be.above(0);
    expect(new Set(procs)).to.deep.equal(new Set(['procs']));
  });

  it('a click on a process opens its view (links, monitors, mailbox head); read-only: no kill button', async () => {
    await page.click('#tabs button[data-tab="graph"]');
    const snap = await fetch_json(`${url}api/snapshot`);
    const acceptor = snap.sockets.find((s) => /LG/.test(s.state))!.owner!;
    await page.click(`[data-kind="process"][data-id="${acceptor}"] circle`);
    await page.waitForSelector(`#detail[data-pid="${acceptor}"] pre >> text=mailbox head`);
    const text = await page.locator('#detail pre').innerText();
    expect(text).to.contain('current_function: undefined:acceptor_init/2');
    expect(text).to.match(/monitored_by: \[<0\.\d+\.0>\]/);
    expect(await page.locator('#kill').count()).to.equal(0);
    await page.click('#detail-close');
  });

  it('the process table sorts by a column, both ways', async () => {
    await page.click('#tabs button[data-tab="processes"]');
    const col = async (): Promise<number[]> =>
      page.locator('#proc-table tbody td[data-col="reductions"]').evaluateAll((tds) => tds.map((t) => Number((t as unknown as DomElement).textContent)));
    await page.click('#proc-table th[data-sort="reductions"]');
    const desc = await col();
    expect(desc.length).to.be.above(2);
    expect(desc).to.deep.equal([...desc].sort((a, b) => b - a));
    await page.click('#proc-table th[data-sort="reductions"]');
    const asc = await col();
    expect(asc).to.deep.equal([...asc].sort((a, b) => a - b));
    expect(await page.locator('#proc-table th.sorted.asc').getAttribute('data-sort')).to.equal('reductions');
  });

  it('erlsock supervised: the Supervision tab nests the tree, the graph has its edges, a supervisor shows its state', async () => {
    const [sup, , sup_url] = await start_server(['supervised', '--port', '0', '--acceptors', '2']);
    const p2 = await browser!.newPage({ viewport: { width: 1100, height: 700 } });
    p2.setDefaultTimeout(10000);
    try {
      await p2.goto(sup_url);
      await p2.waitForSelector('#status[data-live="yes"]');
      const snap = await fetch_json(`${sup_url}api/snapshot`);
      const named = (n: string): string => snap.processes.find((x) => x.registered_name === n)!.pid;
      const [top, acc_sup, listener] = [named('supervised'), named('supervised_acceptors'), named('supervised_listener')];
      const acceptors = snap.processes.filter((x) => x.ancestors[0] === acc_sup).map((x) => x.pid);
      expect(acceptors).to.have.length(2);
      for (const a of acceptors) await p2.waitForSelector(`[data-kind="supervision"][data-from="${acc_sup}"][data-to="${a}"]`, ATTACHED);
      await p2.click('#tabs button[data-tab="tree"]');
      for (const child of [acc_sup, listener]) {
        expect(await p2.locator(`#tree li[data-pid="${top}"] > ul > li[data-pid="${child}"]`).count(), child).to.equal(1);
      }
      for (const a of acceptors) expect(await p2.locator(`#tree li[data-pid="${acc_sup}"] > ul > li[data-pid="${a}"]`).count()).to.equal(1);
      await p2.click(`#tree li[data-pid="${acc_sup}"]`, { position: { x: 5, y: 5 } });
      await p2.waitForSelector(`#detail[data-pid="${acc_sup}"] pre >> text=mailbox head`);
      expect(await p2.locator('#detail pre').innerText()).to.match(/^state \(gen_server, as of its last callback\): .*one_for_one/m);
    } finally {
      await p2.close();
      const exited = new Promise((r) => sup.once('exit', r));
      sup.kill('SIGTERM');
      await exited;
    }
  });
});
