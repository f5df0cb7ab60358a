// Every follow-up page in real headless Chromium on a demo region, with its figures checked
// against the indicator API (issue #6: "A browser test opens every dashboard page on the demo
// region in headless Chromium and checks figures on the page against the API").
//
// The server and the region are real: `stegvis demo --patients 500 --seed 3 --today
// 2026-11-24` on a fresh database, `stegvis serve` on it, the demo analyst's login. Figures are
// compared as displayed ("<5" for suppressed cells), so suppression is checked too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const DATA = process.env.STEGVIS_DATA || path.join(root, 'data');
const SHOTS = process.env.STEGVIS_SCREENSHOTS || path.join(root, 'build', 'screenshots');
const ANALYST = { username: 'lars', password: 'demo-analys-2026' }; // printed by stegvis demo
const KEYS = ['assessed_within_3_days', 'recovery', 'reliable_improvement', 'contract_coverage'];

function requirements() {
  const bin = process.env.STEGVIS_BIN;
  if (!bin || !existsSync(bin)) throw new Error('STEGVIS_BIN must name the built stegvis binary');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-deps`);
  if (!existsSync(path.join(root, 'node_modules', 'playwright-core')))
    throw new Error('node_modules/playwright-core is missing: run scripts/install-deps');
  return bin;
}

function startServer(bin, db) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STEGVIS_DATA: DATA },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server named no port in 20 s')), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /stegvis: listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.stderr.resume();
    child.on('exit', (code) => reject(new Error(`the server exited early (${code})`)));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.kill('SIGTERM');
  });
}

describe('follow-up pages in Chromium', () => {
  let dir, server, browser, page;

  before(async () => {
    const bin = requirements();
    dir = mkdtempSync(path.join(tmpdir(), 'stegvis-dash-'));
    mkdirSync(SHOTS, { recursive: true });
    const db = path.join(dir, 'dash.db');
    const made = spawnSync(
      bin,
      ['demo', '--db', db, '--patients', '500', '--seed', '3', '--today', '2026-11-24'],
      { env: { ...process.env, STEGVIS_DATA: DATA }, encoding: 'utf8' },
    );
    assert.equal(made.status, 0, `stegvis demo failed: ${made.stderr}`);
    server = await startServer(bin, db);
    const { chromium } = await import(path.join(root, 'node_modules', 'playwright-core', 'index.mjs'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE' })
    ).newPage();
    await page.goto(`${server.base}/login`);
    await page.getByLabel('Användarnamn').fill(ANALYST.username);
    await page.getByLabel('Lösenord').fill(ANALYST.password);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(/\/oversikt/); // analysts land on the region overview
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) {
      const { code } = await stopServer(server.child);
      assert.equal(code, 0, 'the server exits cleanly on SIGTERM');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // The API's answer, with the browser's own session cookie.
  async function api(query) {
    const res = await page.request.get(`${server.base}/api/v1/indicators?${query}`);
    assert.equal(res.status(), 200);
    return res.json();
  }

  // The text of each cell of the row whose header is `name` in the table `selector`.
  async function row(selector, name) {
    const tr = page.locator(`${selector} tr`, { has: page.getByRole('rowheader', { name, exact: true }) });
    return tr.first().locator('td').allInnerTexts();
  }

  it('/oversikt: every unit side by side, each figure as the API shows it', async () => {
    await page.goto(`${server.base}/oversikt`);
    await page.screenshot({ path: path.join(SHOTS, 'dash-01-oversikt-1280.png'), fullPage: true });
    const answers = await Promise.all(KEYS.map((k) => api(`indicator=${k}&by=unit`)));
    const units = answers[0].cells.map((c) => c.keys.unit);
    assert.equal(units.length, 11); // the eleven model units of DESIGN.md
    for (const [u, unit] of units.entries()) {
      const shown = await row('#units', unit);
      const expected = answers.map((a) => a.cells[u].display);
      assert.deepEqual(shown.slice(0, KEYS.length), expected, `the row of ${unit}`);
    }
    // a funnel plot and a monthly trend per key indicator, as inline SVG
    assert.ok((await page.locator('main svg').count()) >= 2 * KEYS.length);
  });

  it('/enhet: the chosen unit against the region', async () => {
    await page.goto(`${server.base}/enhet?unit=GOTTSUNDA`);
    await page.screenshot({ path: path.join(SHOTS, 'dash-02-enhet-1280.png'), fullPage: true });
    const recovery = await api('indicator=recovery&by=unit');
    const gottsunda = recovery.cells.find((c) => c.keys.unit === 'Gottsunda vårdcentral');
    const text = await page.locator('main').innerText();
    assert.ok(text.includes('Gottsunda vårdcentral'));
    assert.ok(text.includes(gottsunda.display), `Gottsunda's recovery ${gottsunda.display} is shown`);
    assert.ok(text.includes(recovery.total.display), `the region's ${recovery.total.display} is shown`);
  });

  it('/jamlikhet: breakdowns by municipality, listed unit, sex and age band', async () => {
    await page.goto(`${server.base}/jamlikhet`);
    await page.screenshot({ path: path.join(SHOTS, 'dash-03-jamlikhet-1280.png'), fullPage: true });
    const bySex = await api('indicator=recovery&by=sex');
    const text = await page.locator('main').innerText();
    for (const cell of bySex.cells) assert.ok(text.includes(cell.display), `recovery by sex ${cell.display}`);
    assert.ok(text.includes('Uppsala'));
  });

  it('/tillganglighet: interventions by municipality, gaps in words', async () => {
    await page.goto(`${server.base}/tillganglighet`);
    await page.screenshot({ path: path.join(SHOTS, 'dash-04-tillganglighet-1280.png'), fullPage: true });
    const text = await page.locator('main').innerText();
    assert.ok(text.includes('saknas'), 'a gap is written as a word');
    assert.match(text, /Älvkarleby saknar: .*Gruppbehandling/); // data/region.json
  });

  it('/utbildning: training completion per unit', async () => {
    await page.goto(`${server.base}/utbildning`);
    await page.screenshot({ path: path.join(SHOTS, 'dash-05-utbildning-1280.png'), fullPage: true });
    const rows = await page.locator('tr[data-unit]').count();
    assert.equal(rows, 11); // one row per unit
  });
});
