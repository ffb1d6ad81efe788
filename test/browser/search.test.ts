/// <reference lib="dom" />
// ^ for the functions passed to page.evaluate / waitForFunction, which run in the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './app-server';

/**
 * Global search end to end, as a manager: Ctrl-K opens the command bar, typed
 * letters bring grouped suggestions, the keyboard moves through them and
 * Enter lands on the record; Esc closes; recent searches come back; the
 * results page shows escaped highlights, typo matches with "did you mean",
 * type tabs with filters, in French and in dark mode.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');
const PASSWORD = 'alforis-demo';
const MANAGER = 'manager@alforis.test';

let app: RunningApp;
let browser: Browser;
let sessionCookie: { name: string; value: string; url: string } | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  app = await startApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.theme-switch input[name="redirectTo"]') === null);
}

async function openPage(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  if (sessionCookie) {
    await context.addCookies([sessionCookie]);
  } else {
    await page.goto(`${app.url}/login`);
    await waitForHydration(page);
    await page.getByLabel('Adresse e-mail').fill(MANAGER);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    const cookie = (await context.cookies(app.url)).find((c) => c.name === 'alforis_session');
    if (!cookie) throw new Error('no session cookie after signing in');
    sessionCookie = { name: cookie.name, value: cookie.value, url: app.url };
  }
  return { page, errors };
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${app.url}${path}`);
  await waitForHydration(page);
}

/** Creates an organisation through the API with the page's session (same-origin write). */
async function createOrganisation(page: Page, body: Record<string, unknown>): Promise<string> {
  const response = await page.request.post(`${app.url}/api/v1/organisations`, {
    headers: { origin: app.url },
    data: body,
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const stamp = Date.now().toString(36).slice(-5);
const WORD = 'Quillebeuf';
const NAME = `Banque ${WORD} ${stamp}`;
const TRICKY = `Atelier <b>${WORD}</b> & Fils ${stamp}`;
let organisationId = '';

describe('command bar', () => {
  it('opens on Ctrl-K, suggests while typing, moves with the arrows and opens the record on Enter', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/organisations');
    organisationId = await createOrganisation(page, { name: NAME, types: ['distributor'], city: 'Rouen' });
    await createOrganisation(page, { name: TRICKY, types: ['partner'], city: 'Caen' });

    const trigger = page.getByRole('link', { name: /Rechercher/ });
    expect(await trigger.getAttribute('href')).toBe('/recherche');

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Recherche globale' });
    await dialog.waitFor();
    const input = dialog.getByRole('combobox', {
      name: 'Rechercher une organisation, une personne, un mandat',
    });
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.getAttribute('aria-expanded')).toBe('false');

    await input.pressSequentially('quilleb', { delay: 30 });
    const listbox = dialog.getByRole('listbox');
    const organisations = listbox.getByRole('group', { name: 'Organisations' });
    const option = organisations.getByRole('option', { name: new RegExp(`^${NAME}`) });
    await option.waitFor();
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    // The matched prefix is marked, and the tricky name shows its brackets as text.
    expect(await option.locator('mark').first().textContent()).toBe(WORD);
    const tricky = organisations.getByRole('option', { name: new RegExp(`^Atelier <b>${WORD}</b> & Fils`) });
    await tricky.waitFor();
    expect(await tricky.locator('b').count()).toBe(0);
    await expect.poll(() => dialog.getByRole('status').textContent()).toMatch(/\d+ suggestion/);

    // ↓ selects the first option, ↑ from the first wraps to the last ("all results"), ↓ comes back.
    const options = listbox.getByRole('option');
    const count = await options.count();
    await input.press('ArrowDown');
    const firstId = await options.first().getAttribute('id');
    expect(await input.getAttribute('aria-activedescendant')).toBe(firstId);
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await input.press('ArrowUp');
    expect(await input.getAttribute('aria-activedescendant')).toBe(
      await options.nth(count - 1).getAttribute('id'),
    );
    expect(await options.nth(count - 1).textContent()).toBe('Tous les résultats pour « quilleb »');
    await input.press('ArrowDown');
    expect(await input.getAttribute('aria-activedescendant')).toBe(firstId);

    // Select our organisation among the suggestions by keyboard only.
    const targetId = await option.getAttribute('id');
    for (let i = 0; i < count && (await input.getAttribute('aria-activedescendant')) !== targetId; i++) {
      await input.press('ArrowDown');
    }
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'search-command-bar.png') });

    await input.press('Enter');
    await page.waitForURL(`${app.url}/organisations/${organisationId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(NAME);
    expect(await dialog.isVisible()).toBe(false);

    // Reopened empty, the bar offers the recent search; Esc closes it.
    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    const recent = listbox.getByRole('group', { name: 'Recherches récentes' });
    await recent.getByRole('option', { name: 'quilleb' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // Enter without choosing a suggestion runs the full search.
    await page.keyboard.press('Control+k');
    await input.fill(WORD.toLowerCase());
    await listbox.getByRole('option', { name: new RegExp(`^${NAME}`) }).waitFor();
    await input.press('Enter');
    await page.waitForURL(
      (url) => url.pathname === '/recherche' && url.searchParams.get('q') === 'quillebeuf',
    );
    expect(errors).toEqual([]);
  });
});

describe('results page', () => {
  it('shows grouped hits with escaped highlights, and a type tab with filters', async () => {
    const { page, errors } = await openPage();
    await visit(page, `/recherche?q=${encodeURIComponent(WORD)}`);
    const results = page.getByRole('region', { name: /^Organisations/ });
    const hit = results.getByRole('link', { name: NAME });
    await hit.waitFor();
    expect(await hit.locator('mark').textContent()).toBe(WORD);
    await results.getByRole('link', { name: `Atelier <b>${WORD}</b> & Fils ${stamp}` }).waitFor();
    expect(await results.locator('.search-hit b').count()).toBe(0);

    const tabs = page.getByRole('navigation', { name: 'Types de résultats' });
    await tabs.getByRole('link', { name: /^Organisations/ }).click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'organisations');
    await page.getByLabel('Ville').fill('Rouen');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((url) => url.searchParams.get('city') === 'Rouen');
    await expect.poll(() => page.locator('.search-hit').count()).toBe(1);
    await page.getByRole('link', { name: NAME }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'search-results.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('finds a misspelt name, offers "did you mean", and reads well in dark mode', async () => {
    const { page, errors } = await openPage('dark');
    await visit(page, `/recherche?q=${encodeURIComponent(`Quilebeuf ${stamp}`)}`);
    const hit = page.locator('.search-hits').getByRole('link', { name: NAME });
    await hit.waitFor();
    await page.locator('.search-hit__badge', { hasText: 'orthographe proche' }).first().waitFor();
    const suggestion = page.locator('.search-did-you-mean a');
    await suggestion.waitFor();
    expect((await suggestion.textContent())?.toLowerCase()).toContain(WORD.toLowerCase());
    await page.screenshot({ path: join(SCREENSHOTS, 'search-results-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('asks for a query, and refuses one that is too long without an error page', async () => {
    const { page } = await openPage();
    await visit(page, '/recherche');
    await page.getByText('Saisissez un nom, une ville, un e-mail ou des mots de vos notes.').waitFor();
    await visit(page, `/recherche?q=${'a'.repeat(201)}`);
    await page.getByRole('alert').filter({ hasText: '200 caractères' }).waitFor();
  });
});
