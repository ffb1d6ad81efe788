/// <reference lib="dom" />
// ^ for the functions passed to page.evaluate / waitForFunction, which run in the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './app-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');
const PASSWORD = 'alforis-demo';
const SESSION_COOKIE = 'alforis_session';
const INVALID_CREDENTIALS = 'Adresse e-mail ou mot de passe incorrect.';

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

interface OpenPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, except the expected `statuses` of failed requests. */
  errors: (...statuses: number[]) => string[];
}

async function openPage(): Promise<OpenPage> {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(message.text());
  });
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  const errors = (...statuses: number[]) =>
    seen.filter((text) => !statuses.some((status) => text.includes(`responded with a status of ${status}`)));
  return { page, context, errors };
}

/** React has hydrated once the theme switch drops its no-JS `redirectTo` field. */
async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.theme-switch input[name="redirectTo"]') === null);
}

/** Signs in through the login form (already on /login or sent there by a guarded page). */
async function submitLogin(page: Page, email: string, password = PASSWORD): Promise<void> {
  await waitForHydration(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await submitLogin(page, email);
  await page.waitForURL((url) => url.pathname !== '/login');
}

async function sessionToken(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(app.url)).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  return cookie.value;
}

/** GET /api/v1/auth/me as the browser context (its cookies). */
async function me(context: BrowserContext): Promise<{ status: number; permissions: string[] }> {
  const response = await context.request.get(`${app.url}/api/v1/auth/me`);
  const body = response.ok() ? ((await response.json()) as { permissions: string[] }) : { permissions: [] };
  return { status: response.status(), permissions: body.permissions };
}

describe('sign-in', () => {
  it('sends anonymous visitors to the sign-in page and back where they were going', async () => {
    const { page, errors } = await openPage();
    const response = await page.goto(`${app.url}/taches`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('redirectTo')).toBe('/taches');
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Connexion · Alforis CRM');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Connectez-vous');
    // Not production: the demo accounts are listed.
    await page.getByRole('heading', { name: 'Comptes de démonstration' }).waitFor();
    await waitForHydration(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'login.png'), fullPage: true });

    await submitLogin(page, 'manager@alforis.test');
    await page.waitForURL(`${app.url}/taches`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tâches');

    // Signed in, /login goes home.
    await page.goto(`${app.url}/login`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors()).toEqual([]);
  });

  it('gives the same message for a wrong password and an unknown email, and validates before posting', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${app.url}/login`);

    const alert = page.getByRole('alert');
    for (const email of ['admin@alforis.test', 'nobody@alforis.test']) {
      const answered = page.waitForResponse((r) => r.request().method() === 'POST');
      await submitLogin(page, email, 'not-the-password');
      expect((await answered).status(), email).toBe(401);
      await expect.poll(() => alert.textContent()).toBe(INVALID_CREDENTIALS);
      expect(new URL(page.url()).pathname).toBe('/login');
    }
    expect(await page.context().cookies(app.url)).not.toContainEqual(
      expect.objectContaining({ name: SESSION_COOKIE }),
    );

    // Checked in the browser first: no request, the field says what is wrong.
    let posted = false;
    page.on('request', (request) => {
      if (request.method() === 'POST') posted = true;
    });
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const email = page.getByLabel('Adresse e-mail');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    await expect
      .poll(() => page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent())
      .toBe('Saisissez une adresse e-mail valide.');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'email');
    expect(posted).toBe(false);
    expect(errors(401)).toEqual([]);
  });
});

describe('viewer', () => {
  it('sees no administration entry, and /settings/users by URL is a 403 page', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'viewer@alforis.test');
    expect(new URL(page.url()).pathname).toBe('/');
    await waitForHydration(page);

    const banner = page.getByRole('banner');
    await banner.getByText('Sophie Lecteur', { exact: true }).first().waitFor();
    await banner.getByText('Lecteur', { exact: true }).first().waitFor();
    await expect(page.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);

    for (const path of ['/settings/users', '/settings', '/settings/roles']) {
      const response = await page.goto(`${app.url}${path}`);
      expect(response?.status(), path).toBe(403);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès refusé');
      await expect(page.title()).resolves.toBe('Accès refusé · Alforis CRM');
    }
    // The app shell stays: the user can find their way back.
    await page.getByRole('link', { name: 'Retour au tableau de bord' }).waitFor();
    expect(errors(403)).toEqual([]);
  });
});

describe('administration', () => {
  it('changes a role’s permissions in the matrix, and the change applies to that role’s users at once', async () => {
    // The viewer, signed in in another browser, before the change.
    const viewer = await openPage();
    await signIn(viewer.page, 'viewer@alforis.test');
    const before = await me(viewer.context);
    expect(before.status).toBe(200);
    expect(before.permissions).toContain('organisations:read');
    expect(before.permissions).not.toContain('organisations:export');

    const { page, errors } = await openPage();
    await page.goto(`${app.url}/settings/roles`);
    expect(new URL(page.url()).searchParams.get('redirectTo')).toBe('/settings/roles');
    await submitLogin(page, 'admin@alforis.test');
    await page.waitForURL(`${app.url}/settings/roles`);
    await waitForHydration(page);
    await page.getByRole('link', { name: 'Administration' }).waitFor();

    await page
      .getByRole('navigation', { name: 'Rôle à afficher' })
      .getByRole('link', { name: /Lecteur/ })
      .click();
    await page.waitForURL(/role=viewer/);
    const exportBox = page.getByRole('checkbox', { name: 'Viewer — organisations: export' });
    await expect(exportBox.isChecked()).resolves.toBe(false);
    await expect(
      page.getByRole('checkbox', { name: 'Viewer — organisations: read' }).isChecked(),
    ).resolves.toBe(true);
    await exportBox.check();
    await page.getByRole('button', { name: 'Enregistrer les permissions du rôle Lecteur' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'enregistrées' }).textContent())
      .toBe('Permissions du rôle Lecteur enregistrées.');
    await expect(exportBox.isChecked()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-roles.png'), fullPage: true });

    // Same session, nothing else done: the viewer's permissions changed.
    const after = await me(viewer.context);
    expect(after.status).toBe(200);
    expect(after.permissions).toContain('organisations:export');

    // The Admin role cannot lose administration: the CONFLICT is explained, the grid keeps the edit.
    await page
      .getByRole('navigation', { name: 'Rôle à afficher' })
      .getByRole('link', { name: /Administrateur/ })
      .click();
    await page.waitForURL(/role=admin/);
    const manageRoles = page.getByRole('checkbox', { name: 'Admin — roles: manage' });
    await manageRoles.uncheck();
    const saved = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Enregistrer les permissions du rôle Administrateur' }).click();
    expect((await saved).status()).toBe(409);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Le rôle Administrateur doit conserver roles:manage');
    await expect(manageRoles.isChecked()).resolves.toBe(false);

    expect(errors(409)).toEqual([]);
    expect(viewer.errors()).toEqual([]);
  });

  it('invites a user (temporary password shown once) and deactivates them after a keyboard confirmation', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'admin@alforis.test');
    await page.goto(`${app.url}/settings/users`);
    await waitForHydration(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-users.png'), fullPage: true });

    // Search and filters live in the URL.
    await page.getByRole('searchbox', { name: 'Rechercher', exact: true }).fill('lyon');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/q=lyon/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);

    const invite = page.locator('details.disclosure');
    await invite.locator('summary').click();
    await invite.getByLabel('Adresse e-mail').fill('nouvelle.recrue@alforis.test');
    await invite.getByLabel('Nom complet').fill('Nouvelle Recrue');
    await invite.getByLabel('Rôle').selectOption('viewer');
    await invite.getByRole('button', { name: 'Créer l’utilisateur' }).click();
    await page.getByText('Compte de Nouvelle Recrue créé.').waitFor();
    const temporary = await page.getByRole('textbox', { name: 'Mot de passe temporaire' }).inputValue();
    expect(temporary).toMatch(/^[A-Za-z0-9]{16}$/);

    // The same email again (the form stays open after a success): the field says so, with a 409.
    await expect(invite.getAttribute('open')).resolves.not.toBeNull();
    await invite.getByLabel('Adresse e-mail').fill('nouvelle.recrue@alforis.test');
    await invite.getByLabel('Nom complet').fill('Doublon');
    const answered = page.waitForResponse((r) => r.request().method() === 'POST');
    await invite.getByRole('button', { name: 'Créer l’utilisateur' }).click();
    expect((await answered).status()).toBe(409);
    await page.waitForFunction(
      () => document.querySelector('details input[name="email"]')?.getAttribute('aria-invalid') === 'true',
    );
    await invite.getByText('Déjà utilisé.').waitFor();

    // Per-row edit: move them to a team.
    await page.goto(`${app.url}/settings/users?q=recrue`);
    await waitForHydration(page);
    await page.getByLabel('Équipe de Nouvelle Recrue').selectOption({ label: 'Paris — Institutionnels' });
    await page.getByRole('button', { name: 'Enregistrer Nouvelle Recrue' }).click();
    await page.getByText('Nouvelle Recrue : modifications enregistrées.').waitFor();

    // Deactivate, by keyboard only: open the dialog, move to "Désactiver", confirm.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByLabel('Équipe de Nouvelle Recrue').inputValue()).resolves.not.toBe('');
    await page.getByRole('button', { name: 'Désactiver Nouvelle Recrue' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Désactiver Nouvelle Recrue' });
    await dialog.waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Annuler');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('tbody .status').textContent()).toBe('Actif');

    await page.getByRole('button', { name: 'Désactiver Nouvelle Recrue' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Désactiver');
    await page.keyboard.press('Enter');
    await page.getByText('Compte de Nouvelle Recrue désactivé.').waitFor();
    await expect.poll(() => page.locator('tbody .status').textContent()).toBe('Inactif');

    // A deactivated account cannot sign in (same generic message).
    const response = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'nouvelle.recrue@alforis.test', password: temporary }),
    });
    expect(response.status).toBe(401);
    expect(errors(409)).toEqual([]);
  });

  it('creates, renames and deletes a team; refuses to delete one that still has members, with the reason', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'admin@alforis.test');
    await page.goto(`${app.url}/settings/teams`);
    await waitForHydration(page);

    await page.getByLabel('Nom de l’équipe', { exact: true }).fill('Bordeaux');
    await page.getByLabel('Manager (facultatif)').selectOption({ label: 'Hélène Manager' });
    await page.getByRole('button', { name: 'Créer l’équipe' }).click();
    await page.getByText('Équipe Bordeaux créée.').waitFor();
    await expect.poll(() => page.getByLabel('Manager de l’équipe Bordeaux').inputValue()).not.toBe('');

    await page.getByLabel('Nom de l’équipe Bordeaux').fill('Bordeaux — Gestion privée');
    await page.getByRole('button', { name: 'Enregistrer l’équipe Bordeaux' }).click();
    await page.getByText('Équipe Bordeaux — Gestion privée enregistrée.').waitFor();

    await page.getByRole('button', { name: 'Supprimer l’équipe Bordeaux — Gestion privée' }).click();
    await page
      .getByRole('dialog', { name: 'Supprimer l’équipe Bordeaux — Gestion privée' })
      .getByRole('button', { name: 'Supprimer' })
      .click();
    await page.getByText('Équipe Bordeaux — Gestion privée supprimée.').waitFor();
    await expect.poll(() => page.getByLabel(/^Nom de l’équipe Bordeaux/).count()).toBe(0);

    await page.getByRole('button', { name: 'Supprimer l’équipe Lyon — Distribution' }).click();
    await page
      .getByRole('dialog', { name: 'Supprimer l’équipe Lyon — Distribution' })
      .getByRole('button', { name: 'Supprimer' })
      .click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe(
        'L’équipe Lyon — Distribution compte encore 2 membre(s) : rattachez-les à une autre équipe avant de la supprimer.',
      );
    expect(errors(409)).toEqual([]);
  });
});

describe('personal API tokens', () => {
  it('shows the secret once, and revocation (after confirming) stops it working', async () => {
    const { page, errors } = await openPage();
    await signIn(page, 'user@alforis.test');
    await page.goto(`${app.url}/profile/tokens`);
    await waitForHydration(page);
    await page.getByText('Vous n’avez encore créé aucun jeton.').waitFor();

    await page.getByLabel('Nom du jeton').fill('Export mensuel');
    await page.getByRole('button', { name: 'Tout décocher' }).click();
    await page.getByRole('group', { name: 'Organisations' }).getByLabel('Lire').check();
    await page.getByRole('button', { name: 'Créer un jeton' }).click();
    const secret = await page.getByRole('textbox', { name: 'Secret du jeton' }).inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.getByText('il ne sera plus jamais affiché').waitFor();
    await expect
      .poll(() => page.getByRole('row', { name: /Export mensuel/ }).textContent())
      .toContain('1 permission(s)');

    const call = () => fetch(`${app.url}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
    const allowed = await call();
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { permissions: string[] }).permissions).toEqual(['organisations:read']);

    // Reloading never shows the secret again.
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Secret du jeton' }).count()).resolves.toBe(0);

    await waitForHydration(page);
    await page.getByRole('button', { name: 'Révoquer Export mensuel' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Révoquer définitivement' }).click();
    await page.getByText('Jeton « Export mensuel » révoqué.').waitFor();
    expect((await call()).status).toBe(401);
    expect(errors()).toEqual([]);
  });
});

describe('sign-out', () => {
  it('returns to /login from the user menu, and the old session cookie no longer works', async () => {
    const { page, context, errors } = await openPage();
    await signIn(page, 'user.lyon@alforis.test');
    await waitForHydration(page);
    const token = await sessionToken(context);
    expect((await me(context)).status).toBe(200);

    await page.getByRole('banner').getByLabel('Menu de Claire Commerciale').click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Vous êtes déconnecté.');
    await expect(page.getByRole('link', { name: 'Se connecter' }).count()).resolves.toBe(0);

    const replayed = await fetch(`${app.url}/api/v1/auth/me`, {
      headers: { Cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(replayed.status).toBe(401);
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(errors()).toEqual([]);
  });
});
