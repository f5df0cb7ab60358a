// flow.test.mjs - the whole patient and clinician path in a real browser.
//
// Debian's Chromium (/usr/bin/chromium), driven by playwright-core (package.json; it never
// downloads a browser of its own), against the real server: this test starts `stegvis serve` on
// a new database in a temporary folder, makes the first administrator with `stegvis user add`,
// and does everything else in the browser as a person would:
//
//   admin logs in, creates a clinician in /admin/personal;
//   the clinician logs in, registers two patients on /patienter/ny and sends the second one an
//   invitation (PHQ-9 + GAD-7) from the patient page, reading the link off the page;
//   the patient, on a 360 px phone, answers PHQ-9 with item 9 above 0 (the help-now box comes
//   first on the next page) and GAD-7, and sees the confirmation;
//   the clinician finds that patient first in the triage queue with the risk badge, records the
//   risk assessment and the assessment (the recommended step is worked out by hand below), and
//   writes the contract; the patient sees it on "Min plan";
//   two sessions with measures later the PHQ-9 chart has three points; the step-up banner is not
//   there after two and three sessions and is there after the fourth, as data/steps.json says;
//   one patient page and one staff page are switched to English with the language link.
//
// Every page is saved as a PNG in $STEGVIS_SCREENSHOTS (default build/screenshots): staff pages
// at 1280 px, patient pages at 360 px, and the triage queue and the patient page at 360 px too.
//
// What is wrong but not this test's to fail (the administrator's landing page, staff pages at
// 360 px, small touch targets other than the answer options) is printed as "# NOTE:" lines.
//
// Run: node --test tests/browser/flow.test.mjs with STEGVIS_BIN set to the built binary (CTest
// does that: ctest -R browser). A missing Chromium or playwright-core fails the test, with what
// to install; it never skips.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const DATA = process.env.STEGVIS_DATA || path.join(root, 'data');
const SHOTS = process.env.STEGVIS_SCREENSHOTS || path.join(root, 'build', 'screenshots');

const STAFF = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

// ---- the people and the answers ------------------------------------------------------------

const ADMIN = { username: 'admin', password: 'admin-lösenord-1', name: 'Ada Admin' };
const CLINICIAN = {
  username: 'anna.behandlare',
  password: 'behandlare-lösen-2',
  name: 'Anna Behandlare',
};
const UNIT = { code: 'ERIKSBERG', name: 'Eriksbergs vårdcentral' }; // data/region.json
// Valid personnummer (the last digit is the Luhn check digit).
const PATIENT = { pnr: '19640823-3234', name: 'Per Persson', contact: '070-123 45 67' };
const OTHER = { pnr: '19850412-2386', name: 'Bertil Berg' };

// The patient's answers through the link, as option positions (0 "Inte alls" .. 3 "Nästan varje
// dag"). PHQ-9 items 1-9 add up to 2+2+1+2+1+1+1+1+1 = 12, item 9 ("Tankar att det skulle vara
// bättre om du var död ...") is 1, "Flera dagar": above 0, so the response carries the risk flag.
// Item 10 (difficulty) is not scored. GAD-7: 2+1+2+1+1+2+1 = 10.
const PHQ9_FIRST = [2, 2, 1, 2, 1, 1, 1, 1, 1, 1];
const GAD7_FIRST = [2, 1, 2, 1, 1, 2, 1];
// The recommended step, by hand from data/steps.json:
//   step 0 needs PHQ-9 <= 4 and GAD-7 <= 4: 12 is above 4;
//   step 1 needs PHQ-9 <= 9 and GAD-7 <= 9: 12 and 10 are above 9;
//   step 2 needs PHQ-9 <= 14 and GAD-7 <= 14 (AUDIT not scored, so its limit is ignored): met,
//     so the scores alone give step 2, "Lågintensiv behandling ...";
//   raises: WSAS is not scored; "raised_by_risk" (PHQ-9 item 9 above 0) sets min_step 3.
//   Recommended: step 3, "Högintensiv behandling: individuell psykologisk behandling, läkemedel".
const STEP_NAMES = JSON.parse(readFileSync(path.join(DATA, 'steps.json'), 'utf8')).steps.map(
  (s) => s.name,
);
const RECOMMENDED = 3;
const stepLabel = (n, lang = 'sv') =>
  `${lang === 'sv' ? 'Steg' : 'Step'} ${n}: ${STEP_NAMES[n][lang]}`;

// The sessions' measures, entered in the clinic (item 9 is 0 now, so no new risk flag; a new flag
// would make the step-up check due at once, "risk_review"). Totals:
//   session 1: PHQ-9 2+2+1+2+1+1+1+1+0 = 11, GAD-7 2+1+2+1+1+1+1 = 9
//   session 2: PHQ-9 2+1+1+2+1+1+1+1+0 = 10, GAD-7 1+1+2+1+1+1+1 = 8
//   session 3: attendance only, no measures
//   session 4: PHQ-9 1+1+1+2+1+1+1+1+0 = 9,  GAD-7 1+1+1+1+1+1+2 = 8
const SESSIONS = [
  { phq9: [2, 2, 1, 2, 1, 1, 1, 1, 0], gad7: [2, 1, 2, 1, 1, 1, 1] },
  { phq9: [2, 1, 1, 2, 1, 1, 1, 1, 0], gad7: [1, 1, 2, 1, 1, 1, 1] },
  null,
  { phq9: [1, 1, 1, 2, 1, 1, 1, 1, 0], gad7: [1, 1, 1, 1, 1, 1, 2] },
];
const sum = (a) => a.reduce((x, y) => x + y, 0);
// The step-up rule (data/steps.json "step_up": min_sessions 4, min_weeks 6, measures PHQ-9 and
// GAD-7): the check is made once 4 sessions are attended since the step was chosen, or 6 weeks
// (42 days) have passed. The test cannot wait 6 weeks, so it records 4 sessions, all today. Then
// the first and the latest score at the step are compared; the first is the patient's own answer
// through the link (same day as the assessment, and the step starts on that day):
//   PHQ-9 12 -> 9, change -3: reliable change needs 6 (phq9.json), so no reliable improvement;
//   GAD-7 10 -> 8, change -2: reliable change needs 4 (gad7.json), so no reliable improvement.
// Neither improved reliably: the step-up is due, next step 4. Before the fourth session it is
// "too early": 4 - attended sessions to go, or 42 days.
const measured = SESSIONS.filter(Boolean);
const PHQ9_TOTALS = [sum(PHQ9_FIRST.slice(0, 9)), ...measured.map((s) => sum(s.phq9))];
const GAD7_TOTALS = [sum(GAD7_FIRST), ...measured.map((s) => sum(s.gad7))];

// ---- instruments, dates ----------------------------------------------------------------------

function instrument(id) {
  const def = JSON.parse(readFileSync(path.join(DATA, 'instruments', `${id}.json`), 'utf8'));
  return {
    ...def,
    optionsOf: (item) => def.option_sets[item.options],
  };
}
const PHQ9 = instrument('phq9');
const GAD7 = instrument('gad7');

// po/sv/core.po and po/en/core.po, date.month.1 .. date.month.12.
const SV_MONTHS = 'jan feb mar apr maj jun jul aug sep okt nov dec'.split(' ');
const EN_MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

// The calendar date in Stockholm of `ms` as [year, month, day].
function stockholmDate(ms) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  return [get('year'), get('month'), get('day')];
}
const svDate = ([y, m, d]) => `${d} ${SV_MONTHS[m - 1]} ${y}`;
const enDate = ([y, m, d]) => `${d} ${EN_MONTHS[m - 1]} ${y}`;
const pad = (n) => String(n).padStart(2, '0');

// ---- the server ------------------------------------------------------------------------------

function run(bin, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

function startServer(bin, db) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STEGVIS_DATA: DATA },
    });
    let out = '';
    const log = [];
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line within 20 s:\n${out}`)),
      20000,
    );
    child.stderr.on('data', (d) => log.push(String(d)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /stegvis: listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1], log });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stegvis serve exited (${code}) before listening: ${log.join('')}`));
    });
  });
}

// ---- browser helpers -------------------------------------------------------------------------

let shotCount = 0;
async function shot(page, name) {
  shotCount++;
  const width = page.viewportSize().width;
  const file = path.join(SHOTS, `${pad(shotCount)}-${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Staff pages also at 360 px (the triage queue, the patient page): the same page, narrower.
// Returns what sticks out sideways there ([] when nothing).
async function shotNarrow(page, name) {
  await page.setViewportSize(PHONE);
  await shot(page, name);
  const wide = await tooWide(page);
  await page.setViewportSize(STAFF);
  return wide;
}

// The outermost elements that reach past the right edge of the window, outside any container
// that scrolls sideways (a .table-scroll may be wider inside), as "tag#id.class (right edge)".
// Empty when the page needs no sideways scrolling.
function tooWide(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const past = (el) => el.getBoundingClientRect().right > width + 0.5;
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!past(el) || (el.parentElement && past(el.parentElement))) continue;
      let inScroller = false;
      for (let p = el.parentElement; p && !inScroller; p = p.parentElement) inScroller = scrolls(p);
      if (inScroller) continue;
      const names = typeof el.className === 'string' ? el.className.trim().split(/\s+/) : [];
      const cls = names.filter(Boolean).map((c) => `.${c}`).join('');
      const id = el.id ? `#${el.id}` : '';
      const right = Math.round(el.getBoundingClientRect().right);
      found.push(`${el.tagName.toLowerCase()}${id}${cls} (${right} px)`);
    }
    if (document.documentElement.scrollWidth > width && found.length === 0)
      found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    return found;
  });
}

// Links and buttons under 44 px high, as "text (height)": noted for the patient pages (UI.md
// asks 44 px of the answer options, which the test asserts; this is for everything else).
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('a, button')]
      .map((el) => [el.innerText.trim().replace(/\s+/g, ' '), el.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0 && r.height < 44)
      .map(([t, r]) => `"${t}" (${Math.round(r.height)} px)`),
  );
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const startsWith = (s) => new RegExp(`^${escapeRe(s)}`);

async function login(page, base, who) {
  await page.goto(`${base}/login`);
  assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Logga in');
  await page.getByLabel('Användarnamn').fill(who.username);
  await page.getByLabel('Lösenord').fill(who.password);
}

// Answer one questionnaire page: for each item, the option at `positions[i]`.
async function answerQuestionnaire(page, ins, positions) {
  for (let i = 0; i < positions.length; i++) {
    const item = ins.items[i];
    const group = page.getByRole('group', { name: startsWith(`${item.id}. ${item.sv}`) });
    const label = ins.optionsOf(item)[positions[i]].sv;
    await group.getByLabel(label, { exact: true }).check();
  }
}

// Enter one instrument in the clinic: a labelled <select> per item, options "N – label".
async function enterMeasure(page, ins, positions) {
  const group = page.getByRole('group', { name: startsWith(`${ins.name} –`) });
  for (let i = 0; i < positions.length; i++) {
    const item = ins.items[i];
    const option = ins.optionsOf(item)[positions[i]];
    await group
      .getByLabel(item.sv, { exact: true })
      .selectOption({ label: `${option.value} – ${option.sv}` });
  }
}

// The text of one element, and of each element a locator finds, trimmed.
const text = (locator) => locator.innerText().then((s) => s.trim());
const texts = (locator) => locator.allInnerTexts().then((a) => a.map((s) => s.trim()));

// A link in the staff navigation ("Meny").
function menu(page, name) {
  return page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name }).click();
}

// ---- the test --------------------------------------------------------------------------------

describe('the whole path in Chromium', () => {
  let chromium;
  let browser;
  let server;
  let base;
  let tmp;
  let failed = false;
  const state = {};

  // Each step runs only when every step before it passed (one broken page would make every
  // later step fail for the same reason).
  function step(name, fn) {
    it(name, async (t) => {
      if (failed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        failed = true;
        if (server) e.message += `\n--- server log ---\n${server.log.join('').slice(-4000)}`;
        throw e;
      }
    });
  }

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'stegvis-browser-'));
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (server && server.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  step('the tools are here: STEGVIS_BIN, Chromium, playwright-core', async () => {
    const bin = process.env.STEGVIS_BIN;
    assert.ok(bin, 'STEGVIS_BIN is not set: it names the built stegvis binary (ctest sets it)');
    assert.ok(existsSync(bin), `STEGVIS_BIN=${bin} does not exist: build first`);
    state.bin = bin;
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: the browser test needs Debian's chromium (scripts/install-deps ` +
        `installs it: apt-get install chromium)`,
    );
    const major = Number(process.versions.node.split('.')[0]);
    assert.ok(major >= 20, `Node.js ${process.versions.node}: playwright-core needs 20 or later`);
    try {
      ({ chromium } = await import('playwright-core'));
    } catch (e) {
      assert.fail(
        `playwright-core is missing from ${root}/node_modules (${e.code || e.message}): run ` +
          `scripts/install-deps, or npm ci in ${root}`,
      );
    }
    mkdirSync(SHOTS, { recursive: true });
    for (const f of readdirSync(SHOTS)) if (f.endsWith('.png')) rmSync(path.join(SHOTS, f));
  });

  step('the first administrator is made with `stegvis user add`, the server starts', async () => {
    const db = path.join(tmp, 'browser.db');
    const r = await run(
      state.bin,
      ['user', 'add', '--db', db, '--username', ADMIN.username, '--role', 'admin', '--unit',
        UNIT.code, '--name', ADMIN.name],
      `${ADMIN.password}\n`,
    );
    assert.equal(r.code, 0, `stegvis user add: ${r.err}`);
    assert.equal(JSON.parse(r.out).username, ADMIN.username);
    server = await startServer(state.bin, db);
    base = server.base;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // Not --user-data-dir: playwright-core refuses it in launch() and gives every launch a
      // new empty profile folder of its own (removed on close).
      env: { ...process.env, TMPDIR: tmp },
    });
  });

  step('admin logs in and creates the clinician in /admin/personal', async (t) => {
    const context = await browser.newContext({
      viewport: STAFF,
      locale: 'sv-SE',
      timezoneId: 'Europe/Stockholm',
    });
    const page = await context.newPage();
    await login(page, base, ADMIN);
    await shot(page, 'login');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    // Known: an administrator lands on /triage, which their role may not open (403). Noted,
    // not failed: the login's landing page is the core pages' choice (web_core.c LOGIN_HOME).
    const landing = new URL(page.url()).pathname;
    const landingTitle = await text(page.locator('h1').first());
    if (landingTitle === 'Du har inte behörighet')
      t.diagnostic(`NOTE: the administrator lands on ${landing}: "${landingTitle}"`);
    await shot(page, 'admin-landing');

    await menu(page, 'Admin');
    await page.waitForURL(`${base}/admin/personal`);
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Personal');
    await shot(page, 'admin-staff');
    const form = page.locator('#create-staff');
    await form.getByLabel('Användarnamn').fill(CLINICIAN.username);
    await form.getByLabel('Namn', { exact: true }).fill(CLINICIAN.name);
    await form.getByLabel('Roll').selectOption({ label: 'Behandlare' });
    await form.getByLabel('Enhet').selectOption({ label: UNIT.name });
    await form.getByLabel('Startlösenord').fill(CLINICIAN.password);
    await form.getByRole('button', { name: 'Skapa kontot' }).click();
    await page.waitForURL(/\/admin\/personal\?skapad=/);
    assert.equal(
      await text(page.getByRole('status')),
      `Kontot ${CLINICIAN.username} är skapat.`,
    );
    const row = page.getByRole('row').filter({ hasText: CLINICIAN.username });
    assert.deepEqual(await texts(row.getByRole('cell')), [
      CLINICIAN.username,
      CLINICIAN.name,
      'Behandlare',
      UNIT.name,
      'Ja',
    ]);
    await shot(page, 'admin-staff-created');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(`${base}/login?logged_out=1`);
    assert.equal(await text(page.getByRole('status')), 'Du är utloggad.');
    await context.close();
  });

  step('the clinician logs in and registers two patients on /patienter/ny', async () => {
    state.staffContext = await browser.newContext({
      viewport: STAFF,
      locale: 'sv-SE',
      timezoneId: 'Europe/Stockholm',
    });
    const page = (state.staff = await state.staffContext.newPage());
    await login(page, base, CLINICIAN);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(`${base}/triage`);
    assert.equal(
      await text(page.locator('.site-user')),
      `Inloggad: ${CLINICIAN.name}`,
    );
    assert.equal(
      await text(page.locator('.empty')),
      'Ingen väntar på bedömning.',
    );
    await shot(page, 'triage-empty');

    // First a patient with no answers: the queue then has someone else waiting too.
    for (const p of [OTHER, PATIENT]) {
      await menu(page, 'Ny patient');
      await page.waitForURL(`${base}/patienter/ny`);
      await page.getByLabel('Personnummer', { exact: true }).fill(p.pnr);
      await page.getByLabel('Namn', { exact: true }).fill(p.name);
      assert.equal(await page.getByLabel(/^Kommunkod/).inputValue(), '0380');
      if (p.contact) await page.getByLabel(/^Telefon eller e-post/).fill(p.contact);
      assert.ok(await page.getByLabel('Från mottagningen').isChecked());
      await page
        .getByLabel(/^Vad patienten vill ha hjälp med/)
        .fill('Nedstämd och orolig sedan i våras.');
      if (p === PATIENT) await shot(page, 'patient-new');
      await page.getByRole('button', { name: 'Registrera' }).click();
      await page.waitForURL(/\/patienter\/\d+$/);
      assert.equal(await text(page.getByRole('heading', { level: 1 })), p.name);
      assert.equal(await text(page.locator('.patient-head .pnr')), p.pnr);
    }
    state.patientUrl = page.url();
    assert.equal(
      await text(page.locator('#latest-scores, .summary-scores .empty').first()),
      'Inga skattningar ännu.',
    );
    await shot(page, 'patient-page-new');
  });

  step('the clinician sends an invitation (PHQ-9 + GAD-7) and reads the link', async (t) => {
    const page = state.staff;
    const section = page.locator('#invitation');
    assert.equal(await text(section.getByRole('heading')), 'Skicka formulär till patienten');
    const boxes = section.getByRole('group', { name: 'Formulär' }).getByRole('checkbox');
    const checked = [];
    for (let i = 0; i < (await boxes.count()); i++)
      if (await boxes.nth(i).isChecked()) checked.push(await boxes.nth(i).getAttribute('value'));
    assert.deepEqual(checked, ['phq9', 'gad7'], 'PHQ-9 and GAD-7 are ticked, nothing else');
    await section.getByRole('button', { name: 'Skapa länken' }).click();
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Länken är skapad');
    const link = page.locator('#invitation-link');
    const href = await link.getAttribute('href');
    assert.match(href, /^\/i\/[A-Za-z0-9_-]{20,}$/);
    assert.equal(await text(link), `${base}${href}`);
    state.link = `${base}${href}`;
    const listed = await text(page.locator('.summary-list dd').first());
    if (listed !== 'PHQ-9, GAD-7')
      t.diagnostic(`NOTE: the invitation page lists the questionnaires as "${listed}"`);
    await shot(page, 'invitation-created');
  });

  step('the patient answers PHQ-9 (item 9 above 0) and GAD-7 on a 360 px phone', async (t) => {
    state.patientContext = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'sv-SE',
      timezoneId: 'Europe/Stockholm',
    });
    const page = (state.patient = await state.patientContext.newPage());
    const overflow = {};
    await page.goto(state.link);
    assert.equal(
      await text(page.getByRole('heading', { level: 1 })),
      'Frågor om hur du mår',
    );
    // 17 items x 20 s = 340 s: 6 minutes.
    assert.ok(
      (await page.locator('main').innerText()).includes(
        'Det är 2 formulär och tar ungefär 6 minuter.',
      ),
    );
    assert.deepEqual(await texts(page.locator('.questionnaire-list li')), [
      PHQ9.title.sv,
      GAD7.title.sv,
    ]);
    assert.equal(await page.getByRole('alert').count(), 0, 'no help box before any risk answer');
    overflow.start = await tooWide(page);
    await shot(page, 'patient-start');
    await page.getByRole('link', { name: 'Börja' }).click();

    await page.waitForURL(`${state.link}/1`);
    assert.equal(await text(page.locator('.progress')), 'Formulär 1 av 2');
    assert.equal(await text(page.getByRole('heading', { level: 1 })), PHQ9.title.sv);
    // Touch targets of at least 44 px (UI.md): every answer option's label.
    const heights = await page
      .locator('.radio-large label')
      .evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().height));
    assert.equal(heights.length, 40, 'PHQ-9: 10 items x 4 options');
    const lowest = Math.min(...heights);
    assert.ok(lowest >= 44, `answer options at least 44 px high: ${lowest}`);
    overflow.phq9 = await tooWide(page);
    await shot(page, 'patient-phq9');
    await answerQuestionnaire(page, PHQ9, PHQ9_FIRST);
    await shot(page, 'patient-phq9-answered');
    await page.getByRole('button', { name: 'Spara och fortsätt' }).click();

    // After the risk answer: the help-now box, first of all, with 112, 90101 and 1177.
    await page.waitForURL(`${state.link}/2`);
    const help = page.getByRole('alert');
    assert.equal(
      await text(help.getByRole('heading')),
      'Behöver du hjälp nu?',
    );
    const calls = help.locator('a.help-now-call');
    assert.deepEqual(await texts(calls), [
      'Ring 112',
      'Ring Självmordslinjen 90101',
      'Ring 1177 Vårdguiden',
    ]);
    assert.deepEqual(await calls.evaluateAll((as) => as.map((a) => a.getAttribute('href'))), [
      'tel:112',
      'tel:90101',
      'tel:1177',
    ]);
    const firstInMain = await page.evaluate(
      () => document.querySelector('main').firstElementChild.className,
    );
    assert.equal(firstInMain, 'help-now', 'the help box comes before anything else');
    const helpBox = await help.boundingBox();
    const h1Box = await page.getByRole('heading', { level: 1 }).boundingBox();
    assert.ok(helpBox.y < h1Box.y, 'the help box is above the title');
    assert.equal(await text(page.locator('.progress')), 'Formulär 2 av 2');
    assert.equal(await text(page.getByRole('heading', { level: 1 })), GAD7.title.sv);
    overflow.gad7 = await tooWide(page);
    const small = await smallTargets(page);
    if (small.length)
      t.diagnostic(`NOTE: touch targets under 44 px at 360 px: ${small.join(', ')}`);
    await shot(page, 'patient-gad7-help-now');
    await answerQuestionnaire(page, GAD7, GAD7_FIRST);
    await page.getByRole('button', { name: 'Skicka in svaren' }).click();

    await page.waitForURL(`${state.link}/klart`);
    assert.equal(
      await text(page.getByRole('heading', { level: 1 })),
      'Tack! Dina svar är skickade',
    );
    const main = await page.locator('main').innerText();
    assert.ok(
      main.includes(
        `En behandlare på ${UNIT.name} läser dina svar och kontaktar dig inom 3 dagar.`,
      ),
      main,
    );
    assert.ok(main.includes('Du kan stänga sidan nu.'));
    // The risk answer keeps the help box on the confirmation too.
    assert.equal(await page.getByRole('alert').count(), 1);
    overflow.done = await tooWide(page);
    await shot(page, 'patient-done');
    assert.deepEqual(
      overflow,
      { start: [], phq9: [], gad7: [], done: [] },
      'nothing sticks out at 360 px',
    );
  });

  step('triage: the patient comes first, with the risk badge', async (t) => {
    const page = state.staff;
    await menu(page, 'Triage');
    await page.waitForURL(`${base}/triage`);
    const table = page.getByRole('table', { name: 'Episoder att bedöma' });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    const [y, m, d] = stockholmDate(Date.now());
    // Patient, Risk, Högsta nivå (PHQ-9 12 and GAD-7 10 are both "Måttlig", severity 2),
    // Dagar i kö, Aktualiserad, Kontaktväg, Åtgärd.
    assert.deepEqual(await texts(rows.nth(0).getByRole('cell')), [
      PATIENT.name,
      'Risk: självmordstankar',
      'Måttlig',
      '0',
      svDate([y, m, d]),
      'Från mottagningen',
      'Bedöm',
    ]);
    assert.equal(await rows.nth(0).locator('.badge-risk').count(), 1);
    assert.deepEqual(await texts(rows.nth(1).getByRole('cell')), [
      OTHER.name,
      '–',
      'Inga skattningar',
      '0',
      svDate([y, m, d]),
      'Från mottagningen',
      'Bedöm',
    ]);
    await shot(page, 'triage');
    const wide = await shotNarrow(page, 'triage');
    if (wide.length) t.diagnostic(`NOTE: /triage at 360 px, sticking out: ${wide.join(', ')}`);
    await rows.nth(0).getByRole('link', { name: 'Bedöm' }).click();
    await page.waitForURL(/\/episoder\/\d+\/bedomning$/);
    state.episodePath = new URL(page.url()).pathname.replace(/\/bedomning$/, '');
  });

  step('the clinician records the risk assessment', async () => {
    const page = state.staff;
    const risk = page.locator('#risk');
    assert.equal(await text(risk.getByRole('heading')), 'Riskbedömning');
    assert.equal(await page.locator('.patient-line .badge-risk').count(), 1);
    await shot(page, 'assessment-risk');
    await risk.getByRole('group', { name: 'Risknivå' }).getByLabel('Måttlig').check();
    await risk
      .getByLabel('Bedömning och åtgärd')
      .fill('Passiva dödstankar, inga planer. Skyddsfaktorer: familj, arbete.');
    await risk.getByRole('button', { name: 'Spara riskbedömningen' }).click();
    await page.waitForURL(`${base}${state.episodePath}/bedomning`);
    assert.equal(await page.locator('#risk').count(), 0, 'the risk section is gone');
    assert.equal(await page.locator('.badge-risk').count(), 0, 'the flag is resolved');
  });

  step('the clinician gets the recommended step and records the assessment', async () => {
    const page = state.staff;
    const scores = page.locator('#latest-scores tbody tr');
    const [y, m, d] = stockholmDate(Date.now());
    const today = svDate([y, m, d]);
    const row = (i) => texts(scores.nth(i).locator('th, td'));
    assert.deepEqual(await row(0), ['PHQ-9', '12', 'Måttlig', today]);
    assert.deepEqual(await row(1), ['GAD-7', '10', 'Måttlig', today]);
    const rec = page.locator('#recommendation');
    assert.equal(await text(rec.locator('.recommended-step')), stepLabel(RECOMMENDED));
    // One reason per step passed over (its first limit not met), then the step the scores fit,
    // then the raise: as worked out at RECOMMENDED above.
    assert.deepEqual(await texts(rec.locator('.reasons li')), [
      'PHQ-9 12 är över gränsen 4 för steg 0',
      'PHQ-9 12 är över gränsen 9 för steg 1',
      `Poängen ligger inom gränserna för steg 2: ${STEP_NAMES[2].sv}`,
      'PHQ-9 visar risk (tankar på döden eller att skada sig): höjt till steg 3; ' +
        'gör en riskbedömning',
    ]);
    const choose = page.locator('#choose-step');
    const recommended = choose.getByLabel(stepLabel(RECOMMENDED), { exact: false });
    assert.ok(await recommended.isChecked(), 'the recommended step is chosen by default');
    assert.equal(
      await text(choose.locator(`label[for="f-step-${RECOMMENDED}"] .tag`)),
      '(rekommenderat)',
    );
    await shot(page, 'assessment');
    await choose.getByRole('button', { name: 'Spara bedömningen' }).click();
    await page.waitForURL(`${base}${state.episodePath}/bedomning`);
    const history = page.locator('#assessments tbody tr');
    assert.equal(await history.count(), 1);
    const cells = await texts(history.nth(0).getByRole('cell'));
    assert.deepEqual(cells.slice(1), [stepLabel(RECOMMENDED), stepLabel(RECOMMENDED), '']);
    assert.match(cells[0], new RegExp(`^${escapeRe(svDate([y, m, d]))} kl\\. \\d\\d\\.\\d\\d$`));
    assert.ok(
      (await page.locator('.episode-line').innerText()).includes(stepLabel(RECOMMENDED)),
    );
    await shot(page, 'assessment-saved');
  });

  step('the clinician writes the contract', async () => {
    const page = state.staff;
    await page.goto(state.patientUrl);
    await page.locator('#care-plan').waitFor();
    await page.getByRole('link', { name: 'Patientkontrakt' }).click();
    await page.waitForURL(`${base}${state.episodePath}/kontrakt`);
    assert.ok((await page.locator('main').innerText()).includes('Inget patientkontrakt ännu.'));
    const contact = page.getByLabel('Fast vårdkontakt');
    assert.equal(
      await text(contact.locator('option:checked')),
      CLINICIAN.name,
      'the clinician is the named contact by default',
    );
    // The next agreed time: two weeks from today at 14.30, Stockholm time.
    const [y, m, d] = stockholmDate(Date.now() + 14 * 86400e3);
    // As the pages write it: "8 dec 2026 kl. 14.30", "8 Dec 2026, 14:30" (date.datetime).
    state.next = {
      local: `${y}-${pad(m)}-${pad(d)}T14:30`,
      sv: `${svDate([y, m, d])} kl. 14.30`,
      en: `${enDate([y, m, d])}, 14:30`,
    };
    await page.getByLabel(/^Nästa avtalade tid/).fill(state.next.local);
    state.goals = 'Sova bättre och orka gå till jobbet hela veckor.';
    state.plan = 'Individuell KBT varannan vecka. PHQ-9 och GAD-7 vid varje besök.';
    await page.getByLabel('Mål', { exact: true }).fill(state.goals);
    await page.getByLabel('Plan', { exact: true }).fill(state.plan);
    await shot(page, 'contract');
    await page.getByRole('button', { name: 'Spara en ny version' }).click();
    await page.waitForURL(`${base}${state.episodePath}/kontrakt`);
    assert.ok((await page.locator('main').innerText()).includes('Gällande version: 1'));
    const row = page.locator('#contract-history tbody tr');
    assert.equal(await row.count(), 1);
    const cells = await texts(row.getByRole('cell'));
    assert.deepEqual(
      [cells[0], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]],
      ['1', CLINICIAN.name, CLINICIAN.name, state.next.sv, state.goals, state.plan, ''],
    );
    await shot(page, 'contract-saved');
    await page.goto(state.patientUrl);
    const plan = await texts(page.locator('#care-plan dd'));
    assert.deepEqual(plan, [
      stepLabel(RECOMMENDED),
      state.plan,
      state.next.sv,
      CLINICIAN.name,
    ]);
    await shot(page, 'patient-page-plan');
  });

  step('the patient sees "Min plan": contact, next time, goals, plan and scores', async () => {
    const page = state.patient;
    await page.goto(`${state.link}/plan`);
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Min plan');
    assert.deepEqual(await texts(page.locator('main h2')), [
      'Din kontakt',
      'Nästa gång vi hörs',
      'Dina mål',
      'Det här har vi kommit överens om',
      'Dina resultat över tid',
    ]);
    assert.equal(await text(page.locator('.plan-contact')), CLINICIAN.name);
    assert.equal(
      await text(page.locator('.plan-next')),
      state.next.sv,
    );
    const main = await page.locator('main').innerText();
    assert.ok(main.includes(state.goals));
    assert.ok(main.includes(state.plan));
    const today = svDate(stockholmDate(Date.now()));
    const phq = page.getByRole('table', { name: PHQ9.title.sv });
    assert.deepEqual(await texts(phq.locator('tbody td')), [today, '12', 'Måttlig']);
    const gad = page.getByRole('table', { name: GAD7.title.sv });
    assert.deepEqual(await texts(gad.locator('tbody td')), [today, '10', 'Måttlig']);
    assert.deepEqual(await tooWide(page), [], 'nothing sticks out at 360 px');
    await shot(page, 'patient-plan');
  });

  // The step-up check on the session page after `attended` sessions.
  async function expectNoStepUp(page, attended) {
    assert.equal(await page.locator('#step-up').count(), 0, `no step-up banner after ${attended}`);
    const check = page.locator('#step-check');
    assert.equal(await text(check.getByRole('heading')), 'Uppföljning av steget');
    assert.deepEqual(await texts(check.locator('li')), [
      `För tidigt för uppföljning av steget: ${4 - attended} besök eller 42 dag(ar) kvar`,
    ]);
  }

  async function recordSession(page, n) {
    const measures = SESSIONS[n - 1];
    if (measures) {
      await enterMeasure(page, PHQ9, measures.phq9);
      await enterMeasure(page, GAD7, measures.gad7);
    }
    await page.getByRole('button', { name: 'Registrera besöket' }).click();
    await page.waitForURL(`${base}${state.episodePath}/session`);
    const rows = page.locator('#sessions tbody tr');
    assert.equal(await rows.count(), n);
    const cells = await texts(rows.nth(0).getByRole('cell'));
    assert.deepEqual(cells.slice(1), ['Genomfört', CLINICIAN.name]);
  }

  step('two sessions with measures: the PHQ-9 chart has three points', async (t) => {
    const page = state.staff;
    await page.getByRole('link', { name: 'Besök', exact: true }).click();
    await page.waitForURL(`${base}${state.episodePath}/session`);
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Besök');
    assert.ok((await page.locator('#sessions').innerText()).includes('Inga besök ännu.'));
    await expectNoStepUp(page, 0);
    await shot(page, 'session-empty');
    await recordSession(page, 1);
    await expectNoStepUp(page, 1);
    await recordSession(page, 2);
    await expectNoStepUp(page, 2);
    await shot(page, 'session-2');

    await page.goto(state.patientUrl);
    const chart = page.locator('#diagram-phq9');
    assert.equal(await text(chart.locator('figcaption')), 'PHQ-9');
    assert.equal(await chart.locator('svg circle.chart-point').count(), 3);
    // The data table beside the chart: the same three scores, 12, 11 and 10.
    assert.deepEqual(PHQ9_TOTALS.slice(0, 3), [12, 11, 10]);
    assert.deepEqual(
      await texts(chart.locator('table.chart-data tbody tr td:nth-child(2)')),
      PHQ9_TOTALS.slice(0, 3).map(String),
    );
    assert.equal(await page.locator('#diagram-gad7 svg circle.chart-point').count(), 3);
    // Latest: PHQ-9 10 "Måttlig" (10-14), GAD-7 8 "Lindrig" (5-9).
    const today = svDate(stockholmDate(Date.now()));
    const latest = page.locator('#latest-scores tbody tr');
    const row = (i) => texts(latest.nth(i).locator('th, td'));
    assert.deepEqual(await row(0), ['PHQ-9', '10', 'Måttlig', today]);
    assert.deepEqual(await row(1), ['GAD-7', '8', 'Lindrig', today]);
    await shot(page, 'patient-page-chart');
    const wide = await shotNarrow(page, 'patient-page-chart');
    if (wide.length)
      t.diagnostic(`NOTE: /patienter/{id} at 360 px, sticking out: ${wide.join(', ')}`);
  });

  step('the step-up banner appears after the fourth session, and not before', async () => {
    const page = state.staff;
    await page.goto(`${base}${state.episodePath}/session`);
    await recordSession(page, 3); // attendance only
    await expectNoStepUp(page, 3);
    await shot(page, 'session-3');
    await recordSession(page, 4);
    const banner = page.locator('#step-up');
    assert.equal(await page.locator('#step-check').count(), 0);
    assert.equal(await text(banner.getByRole('heading')), 'Överväg nästa steg');
    assert.equal(
      await text(banner.locator('p').first()),
      `Reglerna för stegvis vård föreslår att planen ses över. Förslag: ${stepLabel(4)}`,
    );
    // By hand: PHQ-9 12 -> 9 (-3, reliable change needs 6), GAD-7 10 -> 8 (-2, needs 4).
    assert.deepEqual([PHQ9_TOTALS.at(-1), GAD7_TOTALS.at(-1)], [9, 8]);
    assert.deepEqual(await texts(banner.locator('li')), [
      'PHQ-9 från 12 till 9 (-3): ingen tillförlitlig förbättring (kräver en förändring på ' +
        'minst 6); överväg steg 4',
      'GAD-7 från 10 till 8 (-2): ingen tillförlitlig förbättring (kräver en förändring på ' +
        'minst 4); överväg steg 4',
    ]);
    assert.equal(
      await banner.getByRole('link', { name: 'Till bedömningen' }).getAttribute('href'),
      `${state.episodePath}/bedomning`,
    );
    await shot(page, 'session-step-up');
  });

  step('English: the language link on "Min plan" and on the session page', async () => {
    const patient = state.patient;
    await patient.goto(`${state.link}/plan`);
    await patient.getByRole('link', { name: 'English' }).click();
    await patient.waitForURL(`${state.link}/plan`);
    assert.equal(await patient.locator('html').getAttribute('lang'), 'en');
    assert.equal(await text(patient.getByRole('heading', { level: 1 })), 'My plan');
    const heads = await texts(patient.locator('main h2'));
    assert.deepEqual(heads, [
      'Your contact',
      'Next time we talk',
      'Your goals',
      'What we have agreed',
      'Your results over time',
    ]);
    assert.equal(
      await text(patient.locator('.plan-next')),
      state.next.en,
    );
    const phq = patient.getByRole('table', { name: PHQ9.title.en });
    assert.deepEqual(await texts(phq.locator('thead th')), ['Date', 'Score', 'Level']);
    assert.deepEqual(
      (await texts(phq.locator('tbody tr td:nth-child(2)'))),
      PHQ9_TOTALS.map(String),
    );
    const help = patient.getByRole('link', { name: 'Get help now' });
    assert.equal(await help.getAttribute('href'), '/hjalp');
    assert.equal(await patient.getByRole('link', { name: 'Svenska' }).count(), 1);
    assert.deepEqual(await tooWide(patient), [], 'nothing sticks out at 360 px');
    await shot(patient, 'patient-plan-en');

    const page = state.staff;
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${base}${state.episodePath}/session`);
    const banner = page.locator('#step-up');
    assert.equal(await text(banner.getByRole('heading')), 'Consider the next step');
    assert.equal(
      await text(banner.locator('p').first()),
      `The stepped-care rules propose a review of the plan. Proposed: ${stepLabel(4, 'en')}`,
    );
    assert.deepEqual(await texts(banner.locator('li')), [
      'PHQ-9 from 12 to 9 (-3): no reliable improvement (needs a change of at least 6); ' +
        'consider step 4',
      'GAD-7 from 10 to 8 (-2): no reliable improvement (needs a change of at least 4); ' +
        'consider step 4',
    ]);
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Sessions');
    await shot(page, 'session-step-up-en');
    await page.getByRole('link', { name: 'Svenska' }).click();
    await page.waitForURL(`${base}${state.episodePath}/session`);
    assert.equal(await text(page.getByRole('heading', { level: 1 })), 'Besök');
  });

  step('the server stops on SIGTERM with exit status 0', async () => {
    await state.patientContext.close();
    await state.staffContext.close();
    await browser.close();
    browser = null;
    const exited = new Promise((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    server.child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    console.log(`screenshots: ${shotCount} in ${SHOTS}`);
  });
});
