/// <reference lib="dom" />
// ^ for the functions passed to page.evaluate / waitForFunction, which run in the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './app-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');

// Must match app/styles/app.css (--color-bg).
const LIGHT_BG = 'rgb(244, 246, 249)';
const DARK_BG = 'rgb(14, 20, 27)';

let app: RunningApp;
let browser: Browser;
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

const PASSWORD = 'alforis-demo';
const tokens = new Map<string, string>();

/** A session token for a demo user, signed in once per file (sign-ins are rate limited). */
async function sessionToken(email: string): Promise<string> {
  const cached = tokens.get(email);
  if (cached) return cached;
  const response = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  tokens.set(email, token);
  return token;
}

/**
 * A page whose console errors and uncaught exceptions are collected, signed
 * in as `as` (the CRM pages need a session). The theme is stored per account
 * too, so tests that change it each use their own user.
 */
async function openPage(
  options: BrowserContextOptions & { as?: string } = {},
): Promise<{ page: Page; errors: string[] }> {
  const { as, ...contextOptions } = options;
  // A fixed OS preference, so "system" is deterministic (light).
  const context = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1280, height: 800 },
    ...contextOptions,
  });
  contexts.push(context);
  if (as) {
    await context.addCookies([{ name: 'alforis_session', value: await sessionToken(as), url: app.url }]);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

const pageErrors = new WeakMap<Page, string[]>();

/** The theme form drops its no-JS `redirectTo` field once React has hydrated. */
async function waitForHydration(page: Page): Promise<void> {
  await page
    .waitForFunction(() => document.querySelector('.theme-switch input[name="redirectTo"]') === null)
    .catch((error: Error) => {
      throw new Error(
        `not hydrated at ${page.url()}: ${error.message}; page errors: ${JSON.stringify(pageErrors.get(page))}`,
      );
    });
}

function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

describe('home page', () => {
  it('renders the dashboard heading, the main navigation and a light theme by default', async () => {
    const { page, errors } = await openPage({ as: 'admin@alforis.test' });
    const response = await page.goto(`${app.url}/`);
    expect(response?.status()).toBe(200);
    await waitForHydration(page);

    await expect(page.title()).resolves.toBe('Tableau de bord · Alforis CRM');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tableau de bord');
    await expect(page.getByRole('banner').getByText('Alforis CRM').isVisible()).resolves.toBe(true);

    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Tableau de bord',
      'Organisations',
      'Personnes',
      'Mandats',
      'Tâches',
      'Pipeline',
    ]);
    await expect(
      nav.getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current'),
    ).resolves.toBe('page');

    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(await bodyBackground(page)).toBe(LIGHT_BG);
    await expect(
      page.getByRole('button', { name: 'Thème système' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');

    await page.screenshot({ path: join(SCREENSHOTS, 'home-light.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('switches to dark without navigating, and the server renders dark from then on', async () => {
    const { page, errors } = await openPage({ as: 'manager@alforis.test' });
    await page.goto(`${app.url}/`);
    await waitForHydration(page);
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });

    const saved = page.waitForResponse(
      (response) => response.url().includes('/resources/theme') && response.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Thème sombre' }).click();
    expect((await saved).status()).toBe(200);

    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(await bodyBackground(page)).toBe(DARK_BG);
    await expect(
      page.getByRole('button', { name: 'Thème sombre' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    expect(navigations).toBe(0);
    expect(page.url()).toBe(`${app.url}/`);

    const cookie = (await page.context().cookies()).find((c) => c.name === 'theme');
    expect(cookie).toMatchObject({ value: 'dark', path: '/', sameSite: 'Lax', httpOnly: true });
    expect(cookie?.expires ?? 0).toBeGreaterThan(Date.now() / 1000 + 364 * 24 * 3600);

    // The raw HTML already carries the theme: nothing waits for JavaScript.
    const session = await sessionToken('manager@alforis.test');
    const html = await (
      await fetch(`${app.url}/`, {
        headers: { Cookie: `theme=${cookie?.value}; alforis_session=${session}` },
      })
    ).text();
    expect(html).toMatch(/<html lang="fr" data-theme="dark">/);

    // Reload, recording every value data-theme takes from the moment <html>
    // exists: a flash of the wrong theme would show up as another value.
    await page.addInitScript(() => {
      const seen: (string | null)[] = [];
      Object.assign(window, { __themeHistory: seen });
      new MutationObserver(() => {
        const current = document.documentElement?.getAttribute('data-theme') ?? null;
        if (seen.at(-1) !== current) seen.push(current);
      }).observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-theme'],
      });
    });
    await page.reload();
    await waitForHydration(page);
    expect(
      await page.evaluate(() => (window as unknown as { __themeHistory: string[] }).__themeHistory),
    ).toEqual(['dark']);
    expect(await bodyBackground(page)).toBe(DARK_BG);

    await page.screenshot({ path: join(SCREENSHOTS, 'home-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('follows the OS preference in "system" mode', async () => {
    const { page, errors } = await openPage({ colorScheme: 'dark', as: 'user.lyon@alforis.test' });
    await page.goto(`${app.url}/`);
    await waitForHydration(page);
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(await bodyBackground(page)).toBe(DARK_BG);
    expect(errors).toEqual([]);
  });

  it('switches theme with the keyboard, and the skip link comes first', async () => {
    const { page, errors } = await openPage({ as: 'user@alforis.test' });
    await page.goto(`${app.url}/`);
    await waitForHydration(page);

    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'Aller au contenu principal',
    );

    await page.getByRole('button', { name: 'Thème sombre' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    // The theme shows at once (optimistic UI); let the save and its revalidation finish, as a person
    // would, before the next press: a second submission aborts the first fetch and Remix logs that.
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Thème clair' }).focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await bodyBackground(page)).toBe(LIGHT_BG);
    expect(errors).toEqual([]);
  });

  it('switches theme without JavaScript: a plain form post that redirects back', async () => {
    const { page, errors } = await openPage({ javaScriptEnabled: false, as: 'manager.lyon@alforis.test' });
    await page.goto(`${app.url}/organisations`);
    await page.getByRole('button', { name: 'Thème sombre' }).click();
    await page.waitForURL(`${app.url}/organisations`);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await bodyBackground(page)).toBe(DARK_BG);
    expect(errors).toEqual([]);
  });
});

describe('navigation', () => {
  it('opens a section from the main navigation without a full page load', async () => {
    const { page, errors } = await openPage({ as: 'admin@alforis.test' });
    await page.goto(`${app.url}/`);
    await waitForHydration(page);
    // Survives client-side navigations, not a document load.
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await nav.getByRole('link', { name: 'Mandats' }).click();
    await page.waitForURL(`${app.url}/mandats`);
    // The URL changes a moment before React renders the new page: wait for it.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mandats');
    await expect(page.title()).resolves.toBe('Mandats · Alforis CRM');
    await expect(nav.getByRole('link', { name: 'Mandats' }).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    expect(await page.evaluate(() => '__sameDocument' in window)).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('errors', () => {
  it('renders unknown paths as a 404 page inside the app shell', async () => {
    const { page } = await openPage({ as: 'admin@alforis.test' });
    const response = await page.goto(`${app.url}/cette-page-n-existe-pas`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page introuvable');
    await expect(page.getByRole('navigation', { name: 'Navigation principale' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.title()).resolves.toBe('Page introuvable · Alforis CRM');
  });

  it('rejects an invalid theme and never redirects off-site', async () => {
    const invalid = await fetch(`${app.url}/resources/theme`, {
      method: 'POST',
      body: new URLSearchParams({ theme: 'pink' }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('set-cookie')).toBeNull();

    const offsite = await fetch(`${app.url}/resources/theme`, {
      method: 'POST',
      body: new URLSearchParams({ theme: 'dark', redirectTo: '//evil.example/phish' }),
      redirect: 'manual',
    });
    expect(offsite.status).toBe(303);
    expect(offsite.headers.get('location')).toBe('/');
  });
});
