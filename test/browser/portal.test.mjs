// The portal as citizens and journalists see it: the demo build served on
// loopback, opened in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  axeViolations, browserMissing, buildBinary, freePort, guardNetwork, launch, screenshotPath, startServer, tempDir,
} from './harness.mjs';

const skip = browserMissing();

describe('portal', { skip: skip || false }, () => {
  let dir; let server; let browser; let base; let publicDir;

  before(async () => {
    dir = tempDir('opendata-portal-');
    const bin = buildBinary(dir);
    publicDir = path.join(dir, 'public');
    try {
      execFileSync(bin, ['build', '--out', publicDir, '--state', path.join(dir, 'state')], { stdio: 'pipe' });
    } catch (err) {
      // 3: built, with the demo's planted refusal.
      if (err.status !== 3) throw new Error(`build failed (${err.status}):\n${err.stdout}${err.stderr}`);
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer(bin, ['serve', '--dir', publicDir, '--addr', `127.0.0.1:${port}`], `${base}/`);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  // open loads a page with other hosts blocked, and checks it for
  // accessibility and for requests elsewhere.
  async function open(urlPath, viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ viewport });
    const external = await guardNetwork(context, base);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(base + urlPath, { waitUntil: 'networkidle' });
    assert.equal(res.status(), 200, `${urlPath} answered ${res.status()}`);
    return { page, context, external, errors };
  }

  async function checkPage(urlPath, { texts = [], shot } = {}) {
    const { page, context, external, errors } = await open(urlPath);
    try {
      const body = await page.locator('body').innerText();
      for (const t of texts) assert.ok(body.includes(t), `${urlPath} does not show «${t}»`);
      assert.deepEqual(external, [], `${urlPath} asked other hosts`);
      assert.deepEqual(errors, [], `${urlPath} had script errors`);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${urlPath}: WCAG 2.1 AA violations:\n${violations.join('\n')}`);
      if (shot) {
        await page.screenshot({ path: screenshotPath(`${shot}-desktop.png`), fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: screenshotPath(`${shot}-mobile.png`), fullPage: true });
      }
      return page;
    } finally {
      await context.close();
    }
  }

  test('home', async () => {
    await checkPage('/', { texts: ['Provincia di Como'], shot: 'home' });
  });

  test('home in English', async () => {
    await checkPage('/en/', { texts: ['Province of Como'] });
  });

  test('catalog lists every dataset, without and with JavaScript', async () => {
    const { page, context } = await open('/datasets/');
    try {
      const links = await page.locator('a[href*="/datasets/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const id of ['comuni', 'pnrr-cantu', 'pnrr-olgiate-comasco', 'progetti-egov']) {
        assert.ok(links.some((h) => h.includes(`/datasets/${id}/`)), `catalog has no link to ${id}`);
      }
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], violations.join('\n'));
      const search = page.locator('input[type="search"]').first();
      if (await search.count()) {
        await search.fill('Cantù');
        await page.waitForTimeout(300);
        const visible = await page.locator('a[href*="/datasets/pnrr-olgiate-comasco/"]:visible').count();
        assert.equal(visible, 0, 'the text search did not filter the list');
      }
    } finally {
      await context.close();
    }
    const noJS = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noJS.newPage();
      await page.goto(`${base}/datasets/`);
      assert.ok(await page.locator('a[href*="/datasets/comuni/"]').count() > 0, 'without JavaScript the catalog is empty');
    } finally {
      await noJS.close();
    }
  });

  test('dataset page: downloads, schema, history, citation', async () => {
    const page = await checkPage('/datasets/pnrr-cantu/', { texts: ['Cantù', 'CSV', 'JSON', 'XLSX'], shot: 'dataset' });
    assert.ok(page);
  });

  test('a refused file is explained cell by cell', async () => {
    await checkPage('/datasets/pnrr-olgiate-comasco/', { texts: ['Foglio1!B2'] });
  });

  test('downloads are there and typed', async () => {
    for (const [p, type] of [
      ['/datasets/pnrr-cantu/pnrr-cantu.csv', 'text/csv'],
      ['/datasets/pnrr-cantu/pnrr-cantu.json', 'application/json'],
      ['/datasets/pnrr-cantu/pnrr-cantu.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      // harvesters refuse RDF served as text/plain
      ['/catalog.rdf', 'application/rdf+xml'],
      ['/catalog.ttl', 'text/turtle'],
      ['/catalog.jsonld', 'application/ld+json'],
    ]) {
      const res = await fetch(base + p);
      assert.equal(res.status, 200, p);
      assert.ok(res.headers.get('content-type').startsWith(type), `${p}: ${res.headers.get('content-type')}`);
    }
  });

  test('project page: chart with its numbers in a table', async () => {
    const { page, context } = await open('/progetti/');
    let hrefs;
    try {
      hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    } finally {
      await context.close();
    }
    const projects = [...new Set(hrefs.filter((h) => /\/progetti\/[^/]+\/$/.test(h)).map((h) => new URL(h, base + '/progetti/').pathname))];
    assert.ok(projects.length > 0, 'the projects overview links no project');
    // A project whose funding is split by source has a chart (one with only
    // a total, like SISCOTEL in the seed, has none).
    let projectPath;
    for (const candidate of projects.slice(0, 10)) {
      const html = await (await fetch(base + candidate)).text();
      if (html.includes('<svg')) { projectPath = candidate; break; }
    }
    assert.ok(projectPath, 'none of the first projects has a funding chart');
    const p = await open(projectPath);
    try {
      assert.ok(await p.page.locator('svg[role="img"]').count() > 0, `${projectPath}: no accessible chart`);
      assert.ok(await p.page.locator('svg[role="img"] title').count() > 0, `${projectPath}: the chart has no title`);
      assert.ok(await p.page.locator('table').count() > 0, `${projectPath}: no table with the numbers`);
    } finally {
      await p.context.close();
    }
    await checkPage(projectPath, { texts: ['CUP'], shot: 'project' });
  });

  test('projects overview, comuni, comune page, data quality', async () => {
    await checkPage('/progetti/');
    await checkPage('/comuni/', { texts: ['Cantù'] });
    await checkPage('/comuni/013041/', { texts: ['013041', 'Cantù'] });
    await checkPage('/qualita/', { texts: ['Olgiate Comasco'] });
  });

  test('feeds, sitemap, robots, 404', async () => {
    for (const p of ['/sitemap.xml', '/robots.txt', '/404.html']) {
      const res = await fetch(base + p);
      assert.equal(res.status, 200, p);
    }
  });

  test('every page with its CSS and JS stays under 100 KB', () => {
    const pages = [];
    const walk = (d) => {
      for (const name of readdirSync(d)) {
        const full = path.join(d, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.html')) pages.push(full);
      }
    };
    walk(publicDir);
    assert.ok(pages.length > 50, `only ${pages.length} pages`);
    let largest = { page: '', bytes: 0 };
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      let bytes = Buffer.byteLength(html);
      const refs = [...html.matchAll(/<(?:link[^>]+rel="?stylesheet"?[^>]*href|script[^>]+src)="?([^"\s>]+)/g)].map((m) => m[1]);
      for (const ref of new Set(refs)) {
        if (/^[a-z]+:\/\//i.test(ref)) assert.fail(`${file} loads ${ref} from another host`);
        const target = ref.startsWith('/') ? path.join(publicDir, ref) : path.join(path.dirname(file), ref);
        bytes += statSync(target.split(/[?#]/)[0]).size;
      }
      if (bytes > largest.bytes) largest = { page: path.relative(publicDir, file), bytes };
      assert.ok(bytes < 100 * 1024, `${path.relative(publicDir, file)} weighs ${bytes} bytes with its CSS and JS`);
    }
    console.log(`largest page: ${largest.page}, ${largest.bytes} bytes with its CSS and JS (${pages.length} pages)`);
  });

  // Project progress (issue 14): the pages of state, payments, time, the
  // filters, and the maps, on the real PA digitale 2026 rows.

  test('progress pages pass axe: project timeline, filter, comune by state, home by state', async () => {
    // Ronago's grant, withdrawn; its comune code reads "N/D".
    const page = await checkPage('/progetti/j81f22003870006/', { texts: ['Revocato o rinunciato', 'Uggiate con Ronago', 'oggi'], shot: 'progress-project' });
    assert.ok(page);
    await checkPage('/en/progetti/h51f22002960006/', { texts: ['Funding paid out', 'Paid against funded', '100%'] });
    await checkPage('/progetti/filtri/stato-erogato/', { texts: ['Finanziamento erogato', 'Tutti i progetti'] });
    await checkPage('/progetti/filtri/', { texts: ['Finanziamento erogato', 'PNRR'] });
    await checkPage('/comuni/013256/', { texts: ['Uggiate con Ronago', 'Progetti per stato di attuazione'], shot: 'progress-comune' });
    await checkPage('/', { texts: ['Progetti per stato di attuazione', 'Finanziamento erogato'] });
    await checkPage('/qualita/', { texts: ['Olgiate Comasco'] });
  });

  test('the timeline is an image with a title, today marked', async () => {
    const { page, context } = await open('/progetti/j81f22003870006/');
    try {
      const svg = page.locator('figure.timeline svg');
      assert.equal(await svg.getAttribute('role'), 'img');
      assert.match(await svg.locator('title').first().textContent(), /Cronologia/);
      assert.match(await svg.locator('desc').first().textContent(), /oggi: \d+ \w+ \d{4}/);
    } finally {
      await context.close();
    }
  });

  test('the map of funding per resident: role, title, and the same figures as its table', async () => {
    const { page, context } = await open('/progetti/', { width: 1280, height: 900 });
    try {
      const svg = page.locator('svg.geo-map');
      assert.equal(await svg.count(), 1, 'no map on the projects overview');
      assert.equal(await svg.getAttribute('role'), 'img');
      const labelledby = await svg.getAttribute('aria-labelledby');
      const title = await page.locator(`[id="${labelledby}"]`).textContent();
      assert.match(title, /finanziamenti per abitante/i, `map title: ${title}`);
      const markup = await svg.evaluate((el) => el.outerHTML);
      assert.ok(markup.length < 40 * 1024, `the map weighs ${markup.length} bytes inline`);
      // Every comune on the map says "name: value" in its tooltip; the
      // table gives the same value in its last column.
      const onMap = Object.fromEntries((await svg.locator('path > title').allTextContents()).map((t) => {
        const i = t.lastIndexOf(': ');
        return [t.slice(0, i), t.slice(i + 2)];
      }).filter(([, v]) => v !== 'nessun progetto'));
      const inTable = Object.fromEntries(await page.locator('#funding-map-table tbody tr').evaluateAll((trs) => trs.map((tr) => [
        tr.querySelector('th').innerText.trim(), tr.querySelector('td:last-child').innerText.trim(),
      ])));
      assert.ok(Object.keys(inTable).length > 100, `only ${Object.keys(inTable).length} comuni in the table`);
      assert.deepEqual(onMap, inTable, 'the map and its table disagree');
      // A comune with no projects is told apart from zero in the legend.
      assert.match(markup, /nessun progetto/);
    } finally {
      await context.close();
    }
  });

  test('each comune has a locator map', async () => {
    const { page, context } = await open('/comuni/013256/');
    try {
      const svg = page.locator('svg.geo-map');
      assert.equal(await svg.getAttribute('role'), 'img');
      const title = await page.locator(`[id="${await svg.getAttribute('aria-labelledby')}"]`).textContent();
      assert.equal(title, 'Dove si trova Uggiate con Ronago nella provincia');
    } finally {
      await context.close();
    }
  });
  test('contracts: the overview and a lotto pass axe, the chart is an image with a title', async () => {
    await checkPage('/contratti/', { texts: ['Contratti pubblici', 'Segnali da verificare', 'COMUNE DI COMO'], shot: 'contracts' });
    await checkPage('/en/contratti/', { texts: ['Public contracts', 'Red flags'] });
    await checkPage('/contratti/lotti/5518385b5a/', { texts: ['5518385B5A', 'contratti-comuni-como-2013.xml'] });
    const { page, context } = await open('/contratti/');
    try {
      const svg = page.locator('figure.chart svg');
      assert.equal(await svg.getAttribute('role'), 'img');
      const title = await page.locator(`[id="${await svg.getAttribute('aria-labelledby')}"]`).textContent();
      assert.match(title, /^Importo aggiudicato per ente e anno: /);
      assert.ok(await page.locator('nav.main-nav a[href="/contratti/"]').count() === 1, 'the menu does not link to the contracts');
    } finally {
      await context.close();
    }
  });
  test('contracts: the search page lists every lotto by CIG, passes axe, and its links lead to the lotto', async () => {
    await checkPage('/contratti/cerca/', { texts: ['Cerca nei contratti', '5518385B5A', '5479849273'] });
    await checkPage('/en/contratti/cerca/', { texts: ['Search the contracts', '5518385B5A'] });
    const { page, context } = await open('/contratti/cerca/');
    try {
      await page.locator('#contracts-search a', { hasText: '5518385B5A' }).click();
      await page.waitForURL(`${base}/contratti/lotti/5518385b5a/`);
      assert.ok((await page.locator('h1').innerText()).includes('5518385B5A'), 'the search link does not lead to the lotto');
    } finally {
      await context.close();
    }
  });
  test('contracts: a body\'s page and its red flags pass axe, and the links lead where they say', async () => {
    await checkPage('/contratti/enti/olgiate-comasco/', {
      texts: ['Contratti pubblici: Olgiate Comasco', 'Lotti e importi per anno', '17-AFFIDAMENTO DIRETTO EX ART. 5 DELLA LEGGE 381/91', 'Segnali da verificare'],
      shot: 'contracts-body',
    });
    await checkPage('/en/contratti/enti/olgiate-comasco/', { texts: ['Public contracts: Olgiate Comasco', 'Lots and amounts by year'] });
    await checkPage('/contratti/enti/olgiate-comasco/segnali/', {
      texts: ['Segnali da verificare: Olgiate Comasco', 'Affidamenti diretti', '2 su 3 (66,7', 'Nessun lotto dell\'ente presenta questo segnale.', 'giorno di costruzione del portale'],
      shot: 'contracts-flags',
    });
    await checkPage('/en/contratti/enti/como/segnali/', { texts: ['Red flags: Como', "None of the body's lots shows this flag."] });
    const follow = async (from, locator, to, h1) => {
      const { page, context } = await open(from);
      try {
        await locator(page).click();
        await page.waitForURL(`${base}${to}`);
        assert.ok((await page.locator('h1').innerText()).includes(h1), `${from} → ${to}: the page is not «${h1}»`);
        return page;
      } finally {
        await context.close();
      }
    };
    // The overview's rows lead to the body, its flags table to the body's flags.
    await follow('/contratti/', (p) => p.locator('#contracts-table a', { hasText: 'Olgiate Comasco' }), '/contratti/enti/olgiate-comasco/', 'Olgiate Comasco');
    await follow('/contratti/', (p) => p.locator('#contracts-flags a', { hasText: 'Olgiate Comasco' }), '/contratti/enti/olgiate-comasco/segnali/', 'Segnali da verificare: Olgiate Comasco');
    // The body's page leads to its comune, to its flags, to its lotti.
    await follow('/contratti/enti/olgiate-comasco/', (p) => p.getByRole('link', { name: 'Scheda del comune' }), '/comuni/013165/', 'Olgiate Comasco');
    await follow('/contratti/enti/olgiate-comasco/', (p) => p.locator('#body-flags a', { hasText: 'Affidamenti diretti' }), '/contratti/enti/olgiate-comasco/segnali/#affidamenti-diretti', 'Segnali da verificare');
    await follow('/contratti/enti/olgiate-comasco/segnali/', (p) => p.locator('section', { has: p.locator('h2#affidamenti-diretti') }).locator('a', { hasText: '551907331E' }), '/contratti/lotti/551907331e/', '551907331E');
    // The comune's page and the lotto's page lead back to the body.
    await follow('/comuni/013075/', (p) => p.getByRole('link', { name: 'I contratti del comune, anno per anno' }), '/contratti/enti/como/', 'Contratti pubblici: Como');
    await follow('/contratti/lotti/551907331e/', (p) => p.locator('dd a', { hasText: 'COMUNE DI OLGIATE COMASCO' }), '/contratti/enti/olgiate-comasco/', 'Olgiate Comasco');
    // The chart is an image whose title says what its table says.
    const { page, context } = await open('/contratti/enti/olgiate-comasco/');
    try {
      const svg = page.locator('figure.chart svg');
      assert.equal(await svg.getAttribute('role'), 'img');
      const title = await page.locator(`[id="${await svg.getAttribute('aria-labelledby')}"]`).textContent();
      const cells = await page.locator('#body-years tbody tr').first().locator('th, td').allInnerTexts();
      assert.equal(title, `Importo aggiudicato per anno: ${cells[0]} ${cells[2]}`);
    } finally {
      await context.close();
    }
  });
});
