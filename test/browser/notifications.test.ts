/// <reference lib="dom" />
// ^ for the functions passed to page.evaluate / waitForFunction, which run in the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './app-server';

/**
 * Live notifications end to end: one user in two tabs, another user's session
 * assigns them a task; both bells update over their WebSockets, and reading
 * it in one tab clears it in the other.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');
const PASSWORD = 'alforis-demo';

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
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await app?.stop();
});

/** A signed-in browser context (its tabs share the session cookie), and a way to collect page errors. */
async function signedIn(email: string): Promise<{ context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const errors: string[] = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(`${app.url}/login`);
  await waitForHydration(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.close();
  return { context, errors };
}

async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.theme-switch input[name="redirectTo"]') === null);
}

/** A tab on the dashboard whose bell has finished its first catch-up. */
async function tab(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${app.url}/`);
  await waitForHydration(page);
  await page.waitForSelector('.notif-bell[data-status="online"]');
  return page;
}

async function badge(page: Page): Promise<number> {
  const text = await page
    .locator('[data-testid="notification-badge"]')
    .textContent({ timeout: 100 })
    .catch(() => null);
  return text ? Number(text) : 0;
}

describe('live notifications', () => {
  it('two tabs of one user both see an assignment made by someone else; reading in one clears the other', async () => {
    const user = await signedIn('user@alforis.test');
    const manager = await signedIn('manager@alforis.test');
    const first = await tab(user.context, user.errors);
    const second = await tab(user.context, user.errors);
    const before = await badge(first);
    expect(await badge(second)).toBe(before);

    // The manager, in their own session, assigns a task to the user (as the tasks page would, same origin).
    const managerPage = await tab(manager.context, manager.errors);
    const title = `Appeler le family office ${Date.now().toString(36)}`;
    const status = await managerPage.evaluate(async (taskTitle) => {
      const me = (await (await fetch('/api/v1/users?limit=200')).json()) as {
        data: { id: string; email: string }[];
      };
      const assignee = me.data.find((candidate) => candidate.email === 'user@alforis.test');
      const response = await fetch('/api/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: taskTitle, assigneeId: assignee?.id, priority: 'high' }),
      });
      return response.status;
    }, title);
    expect(status).toBe(201);

    for (const page of [first, second]) {
      await page.waitForFunction(
        (expected) =>
          Number(document.querySelector('[data-testid="notification-badge"]')?.textContent ?? 0) === expected,
        before + 1,
        { timeout: 30_000 },
      );
    }
    // A high-priority task: a toast as well.
    await expect.poll(() => first.locator('.notif-toast').filter({ hasText: title }).count()).toBe(1);

    await first.getByTestId('notification-bell').click();
    const item = first.locator('.notif-panel .notif-item').filter({ hasText: title });
    await item.waitFor();
    await first.screenshot({ path: join(SCREENSHOTS, 'notifications-bell.png') });
    await item.getByRole('button', { name: /Marquer comme lue/ }).click();

    for (const page of [first, second]) {
      await page.waitForFunction(
        (expected) =>
          Number(document.querySelector('[data-testid="notification-badge"]')?.textContent ?? 0) === expected,
        before,
        { timeout: 15_000 },
      );
    }
    // The page lists it as read, live too.
    await second.goto(`${app.url}/notifications?status=read`);
    await waitForHydration(second);
    await second.getByText(title).first().waitFor();
    await second.screenshot({ path: join(SCREENSHOTS, 'notifications-page.png'), fullPage: true });
    expect(user.errors).toEqual([]);
    expect(manager.errors).toEqual([]);
  });
});
