/// <reference lib="dom" />
/**
 * Screenshots of every identity page, light and dark, desktop and mobile, for
 * looking at the UI as a user does (not a test: nothing is asserted).
 *
 *   npm run build && npm exec -- tsx test/browser/capture-screens.ts
 *
 * Starts the app like the browser tests (or uses BROWSER_TEST_URL) and writes
 * test-results/browser/screens/<page>-<theme>-<width>.png. Signs in once per
 * user through the API (login attempts are rate limited).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startApp } from './app-server';

const OUT = join(process.cwd(), 'test-results/browser/screens');
const PASSWORD = 'alforis-demo';

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const;

interface Shot {
  name: string;
  path: string;
  as: 'admin@alforis.test' | 'viewer@alforis.test' | 'manager@alforis.test' | null;
  /** Run in the page before the screenshot (open a menu, a dialog…). */
  prepare?: (page: Page) => Promise<void>;
}

const SHOTS: Shot[] = [
  { name: 'login', path: '/login', as: null },
  {
    name: 'login-error',
    path: '/login',
    as: null,
    prepare: async (page) => {
      await page.getByLabel('Adresse e-mail').fill('nobody@alforis.test');
      await page.getByLabel('Mot de passe').fill('wrong-password');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('alert').waitFor({ timeout: 5_000 });
    },
  },
  {
    name: 'login-invalid',
    path: '/login',
    as: null,
    prepare: async (page) => {
      await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('alert').waitFor({ timeout: 5_000 });
    },
  },
  { name: 'home', path: '/', as: 'admin@alforis.test' },
  {
    name: 'home-menu',
    path: '/',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.locator('.user-menu__summary').click();
    },
  },
  { name: 'coming-soon', path: '/organisations', as: 'viewer@alforis.test' },
  { name: 'profile', path: '/profile', as: 'admin@alforis.test' },
  {
    name: 'profile-errors',
    path: '/profile',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
      await page.getByLabel('Confirmer le nouveau mot de passe').fill('autre');
      await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    },
  },
  { name: 'tokens', path: '/profile/tokens', as: 'admin@alforis.test' },
  { name: 'settings-users', path: '/settings/users', as: 'admin@alforis.test' },
  {
    name: 'settings-users-create',
    path: '/settings/users',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByText('Inviter un utilisateur').click();
    },
  },
  {
    name: 'settings-users-confirm',
    path: '/settings/users',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Désactiver Sophie Lecteur' }).click();
    },
  },
  { name: 'settings-teams', path: '/settings/teams', as: 'admin@alforis.test' },
  { name: 'settings-roles', path: '/settings/roles?role=viewer', as: 'admin@alforis.test' },
  { name: 'forbidden', path: '/settings/users', as: 'viewer@alforis.test' },
  // States after an action (these change data: run them last).
  {
    name: 'state-token-created',
    path: '/profile/tokens',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByLabel('Nom du jeton').fill('Export mensuel');
      await page.getByRole('button', { name: 'Créer un jeton' }).click();
      await page.getByRole('textbox', { name: 'Secret du jeton' }).waitFor();
    },
  },
  {
    name: 'state-user-created',
    path: '/settings/users',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      const invite = page.locator('details.disclosure');
      await invite.locator('summary').click();
      await invite.getByLabel('Adresse e-mail').fill(`invite.${Date.now()}@alforis.test`);
      await invite.getByLabel('Nom complet').fill('Nouvelle Recrue');
      await invite.getByRole('button', { name: 'Créer l’utilisateur' }).click();
      await page.getByRole('textbox', { name: 'Mot de passe temporaire' }).waitFor();
    },
  },
  {
    name: 'state-roles-lockout',
    path: '/settings/roles?role=admin',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByRole('checkbox', { name: 'Admin — roles: manage' }).uncheck();
      await page.getByRole('button', { name: /Enregistrer les permissions/ }).click();
      await page.getByRole('alert').waitFor();
    },
  },
  {
    name: 'state-team-conflict',
    path: '/settings/teams',
    as: 'admin@alforis.test',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Supprimer l’équipe Lyon — Distribution' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
      await page.getByRole('alert').waitFor();
    },
  },
  {
    name: 'state-profile-english',
    path: '/profile',
    as: 'manager@alforis.test',
    prepare: async (page) => {
      await page.getByLabel(/Langue|Language/).selectOption('en');
      await page
        .getByRole('button', { name: /Enregistrer|Save/ })
        .first()
        .click();
      await page.getByText('Profile saved.').waitFor();
    },
  },
  { name: 'not-found', path: '/nulle-part', as: 'viewer@alforis.test' },
];

async function sessionToken(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const app = await startApp();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    const tokens = new Map<string, string>();
    const only = process.argv.slice(2);
    for (const shot of SHOTS) {
      if (only.length > 0 && !only.some((name) => shot.name.startsWith(name))) continue;
      if (shot.as && !tokens.has(shot.as)) tokens.set(shot.as, await sessionToken(app.url, shot.as));
      for (const theme of ['light', 'dark'] as const) {
        for (const [size, viewport] of Object.entries(VIEWPORTS)) {
          const context = await browser.newContext({ viewport, colorScheme: 'light', locale: 'fr-FR' });
          const cookies: { name: string; value: string; url: string }[] = [
            { name: 'theme', value: theme, url: app.url },
          ];
          const token = shot.as ? tokens.get(shot.as) : undefined;
          if (token) cookies.push({ name: 'alforis_session', value: token, url: app.url });
          await context.addCookies(cookies);
          const page = await context.newPage();
          const errors: string[] = [];
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
          });
          page.on('pageerror', (error) => errors.push(error.message));
          const response = await page.goto(`${app.url}${shot.path}`);
          // Interactions need React: the theme form drops its no-JS field once hydrated.
          await page.waitForFunction(() => !document.querySelector('.theme-switch input[name="redirectTo"]'));
          await page.waitForLoadState('networkidle');
          await shot
            .prepare?.(page)
            .catch((error: Error) => errors.push(`prepare: ${error.message.split('\n')[0]}`));
          await page.waitForTimeout(150);
          const file = join(OUT, `${shot.name}-${theme}-${size}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(
            `${response?.status()} ${file}${errors.length ? `  ERRORS: ${errors.join(' | ')}` : ''}`,
          );
          await context.close();
        }
      }
    }
  } finally {
    await browser?.close();
    await app.stop();
  }
}

await main();
