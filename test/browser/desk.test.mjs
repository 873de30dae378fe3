// The upload desk as a clerk uses it: sign in, upload a spreadsheet with
// errors, read the issues, download the annotated workbook; every page is
// checked with axe-core (WCAG 2.1 AA). The desk is served as a Province
// serves it: `opendata serve --inbox`, at /sportello/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  axeViolations, browserMissing, buildBinary, freePort, guardNetwork, launch, root, screenshotPath, startServer, tempDir,
} from './harness.mjs';

const skip = browserMissing();
const fixture = path.join(root, 'desk', 'testdata', 'pnrr-olgiate-comasco-errori.xlsx');

describe('upload desk', { skip: skip || false }, () => {
  const prefix = '/sportello';
  let dir; let server; let browser; let base; let origin; let inbox;

  before(async () => {
    dir = tempDir('opendata-desk-');
    const bin = buildBinary(dir);
    inbox = path.join(dir, 'inbox');
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    base = `${origin}${prefix}`;
    server = await startServer(bin, ['serve', '--dir', path.join(dir, 'no-portal'), '--addr', `127.0.0.1:${port}`,
      '--accounts', 'desk/testdata/accounts.yaml', '--inbox', inbox], `${base}/accedi`);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  // check asserts the page has no WCAG 2.1 AA violation and saves a
  // screenshot of it.
  async function check(page, shot) {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${page.url()}: WCAG 2.1 AA violations:\n${violations.join('\n')}`);
    await page.screenshot({ path: screenshotPath(shot), fullPage: true });
  }

  test('a clerk signs in, uploads a file with errors and gets it back annotated', async () => {
    // bypassCSP lets axe-core be injected: the desk's CSP forbids inline scripts
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, bypassCSP: true });
    const external = await guardNetwork(context, origin);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // sign-in page, then a wrong password
    let res = await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, `${prefix}/accedi`);
    assert.equal(res.status(), 200);
    await check(page, 'desk-accedi.png');
    await page.getByLabel('Nome utente').fill('olgiate.bianchi');
    await page.getByLabel('Password').fill('sbagliata');
    await Promise.all([page.waitForURL(`${base}/accedi`), page.getByRole('button', { name: 'Accedi' }).click()]);
    assert.match(await page.getByRole('alert').innerText(), /password sbagliati/);
    await check(page, 'desk-accedi-errore.png');

    // the right password opens the desk
    await page.getByLabel('Password').fill('sportello-di-prova');
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Accedi' }).click()]);
    assert.match(await page.locator('h1').innerText(), /Sportello dati aperti/);
    assert.match(await page.locator('body').innerText(), /Anna Bianchi/);
    await check(page, 'desk-home.png');

    // upload the file with three planted errors
    await page.getByLabel('Insieme di dati').selectOption('pnrr-olgiate-comasco');
    await page.getByLabel('File da controllare').setInputFiles(fixture);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/carica`),
      page.getByRole('button', { name: 'Invia e controlla' }).click(),
    ]);
    assert.equal(answer.status(), 422);
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /File rifiutato/);
    const cells = await page.locator('table.issues tbody th').allInnerTexts();
    assert.deepEqual(cells.sort(), ['Foglio1!B2', 'Foglio1!F3', 'Foglio1!H3']);
    const rows = await page.locator('table.issues tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => r.includes('E11B2100828006') && r.includes('15 caratteri')), `no CUP issue in ${rows}`);
    await check(page, 'desk-esito.png');

    // the annotated workbook
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Scarica il tuo file/ }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'pnrr-olgiate-comasco-errori-da-correggere.xlsx');
    const wb = readFileSync(await download.path());
    assert.equal(wb.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'the download is not a workbook');
    assert.ok(wb.includes(Buffer.from('xl/comments')), 'the workbook has no comments');

    // nothing reached the inbox; the refusal is in quarantine
    const accepted = readdirSync(inbox).filter((n) => !['quarantine', 'audit.jsonl', 'sessions.json'].includes(n));
    assert.deepEqual(accepted, []);
    assert.ok(existsSync(path.join(inbox, 'quarantine', 'pnrr-olgiate-comasco')));

    // the same answer in English, through the switch
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('h1').innerText(), /File refused/);
    await check(page, 'desk-result-en.png');
    await page.getByRole('link', { name: 'Italiano' }).click();
    await page.waitForLoadState();

    // the desk lists the refusal
    await page.goto(`${base}/`);
    assert.match(await page.locator('table').innerText(), /Rifiutato/);
    await check(page, 'desk-home-dopo.png');

    // a page that does not exist
    res = await page.goto(`${base}/non-esiste`);
    assert.equal(res.status(), 404);
    await check(page, 'desk-404.png');

    // narrow screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    await check(page, 'desk-home-mobile.png');

    // sign out
    await Promise.all([page.waitForURL(`${base}/accedi`), page.getByRole('button', { name: 'Esci' }).click()]);

    assert.deepEqual(external, [], 'the desk asked other hosts');
    assert.deepEqual(errors, [], 'script errors');
    await context.close();
  });
});
