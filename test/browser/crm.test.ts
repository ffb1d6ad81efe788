/// <reference lib="dom" />
// ^ for the functions passed to page.evaluate / waitForFunction, which run in the page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './app-server';

/**
 * The CRM pages end to end, as a manager: dashboard, organisations (list,
 * create, record tabs, edit conflict, bin), adding a person, logging an
 * interaction, moving on the kanban by keyboard, select, drag and drop and
 * without JavaScript, and the history that records it all.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');
const PASSWORD = 'alforis-demo';
const MANAGER = 'manager@alforis.test';

let app: RunningApp;
let browser: Browser;
/** The manager's session, signed in once through the form (sign-ins are rate limited). */
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

interface OpenPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, except the expected `statuses` of failed requests. */
  errors: (...statuses: number[]) => string[];
}

async function openPage(options: { javaScriptEnabled?: boolean } = {}): Promise<OpenPage> {
  const context = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1280, height: 800 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  contexts.push(context);
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(message.text());
  });
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  const errors = (...statuses: number[]) =>
    seen.filter((text) => !statuses.some((status) => text.includes(`responded with a status of ${status}`)));

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
  return { page, context, errors };
}

/** React has hydrated once the theme switch drops its no-JS `redirectTo` field. */
async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.theme-switch input[name="redirectTo"]') === null);
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${app.url}${path}`);
  await waitForHydration(page);
}

/** The kanban card of an organisation, and the column (region named after its stage) holding it. */
function card(page: Page, name: string): Locator {
  return page.locator('.kanban-card').filter({ has: page.getByRole('link', { name, exact: true }) });
}

function column(page: Page, stage: string): Locator {
  return page
    .locator('.kanban-column')
    .filter({ has: page.getByRole('heading', { name: stage, exact: true }) });
}

/**
 * HTML5 drag and drop with real mouse moves: press on the card's edge (not on
 * its link or controls), move a little so Chromium starts a drag, then over
 * the column, and release.
 */
async function dragCard(page: Page, from: Locator, to: Locator): Promise<void> {
  // The board may re-render after the previous move's revalidation (the card element is
  // replaced): measure again on a fresh element rather than fail before the gesture starts.
  let source: Awaited<ReturnType<Locator['boundingBox']>> = null;
  let target: Awaited<ReturnType<Locator['boundingBox']>> = null;
  for (let attempt = 1; ; attempt++) {
    try {
      await from.scrollIntoViewIfNeeded();
      source = await from.boundingBox();
      target = await to.boundingBox();
      break;
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('not attached to the DOM')) throw error;
    }
  }
  if (!source || !target) throw new Error('card or column not on screen');
  await page.mouse.move(source.x + 6, source.y + 6);
  await page.mouse.down();
  await page.mouse.move(source.x + 30, source.y + 30, { steps: 5 });
  // The column's head: always on screen when the card is (the board is one row).
  await page.mouse.move(target.x + target.width / 2, target.y + 20, { steps: 10 });
  await page.mouse.up();
}

const stamp = Date.now().toString(36).slice(-5);
const ORGANISATION = `Fondation Navigateur ${stamp}`;
const PERSON = { first: 'Claire', last: `Testeur-${stamp}` };
const SUBJECT = `Premier rendez-vous ${stamp}`;
/** The organisation created by the first test, shared by the next ones (files run their tests in order). */
let organisationPath = '';

describe('dashboard', () => {
  it('shows organisations by stage, mandates by status, my tasks due (completed in place) and recent interactions', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tableau de bord');

    const stages = page.getByRole('list', { name: 'Organisations par étape' });
    await expect.poll(() => stages.getByRole('link').count()).toBeGreaterThan(3);
    const prospect = stages.getByRole('link', { name: /^Prospect : \d+ organisation/ });
    const href = await prospect.getAttribute('href');
    expect(href).toMatch(/^\/organisations\?stage=[0-9a-f-]{36}$/);
    await page
      .getByRole('list', { name: 'Mandats par statut' })
      .getByRole('link', { name: /^Actif : \d+ mandat/ })
      .waitFor();
    await expect
      .poll(() => page.getByRole('list', { name: 'Interactions récentes' }).getByRole('listitem').count())
      .toBe(10);

    // Complete the first task due: the list updates without leaving the page.
    const tasks = page.getByRole('list', { name: 'Mes tâches à échéance' });
    const first = tasks.getByRole('listitem').first();
    const title = (await first.locator('.task-list__title').textContent()) ?? '';
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await first.getByRole('button', { name: `Marquer « ${title} » comme terminée` }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'terminée' }).textContent())
      .toBe(`Tâche « ${title} » terminée.`);
    await expect.poll(() => tasks.getByText(title, { exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => '__sameDocument' in window)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    // A stage's count links to the filtered list.
    await prospect.click();
    await page.waitForURL(`${app.url}${href}`);
    await expect.poll(() => page.getByLabel('Étape').inputValue()).not.toBe('');
    expect(errors()).toEqual([]);
  });
});

describe('organisations', () => {
  it('filters, sorts and pages the list with all the state in the address', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/organisations');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Organisations');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await page.screenshot({ path: join(SCREENSHOTS, 'organisations.png'), fullPage: true });

    // Page 2 and back: keyset cursors in the URL.
    const firstName = await rows.first().locator('th a').textContent();
    await page.getByRole('link', { name: 'Page suivante →' }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => rows.first().locator('th a').textContent()).not.toBe(firstName);
    const secondPage = page.url();
    await page.getByRole('link', { name: '← Page précédente' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor'));
    await expect.poll(() => rows.first().locator('th a').textContent()).toBe(firstName);

    // A shared address opens the same page.
    const other = await openPage();
    await visit(other.page, new URL(secondPage).pathname + new URL(secondPage).search);
    await expect.poll(() => other.page.locator('tbody tr').count()).toBeGreaterThan(0);

    // Filters apply as they change, sort too.
    await page.getByLabel('Statut').selectOption({ label: 'Dormant' });
    await page.waitForURL(/status=dormant/);
    await expect
      .poll(() => page.locator('tbody tr .pill').allTextContents())
      .toSatisfy((pills: string[]) => pills.length > 0 && pills.every((text) => text === 'Dormant'));
    await page.getByLabel('Trier par').selectOption({ label: 'Encours, du plus grand' });
    await page.waitForURL(/sort=-aum/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('dormant');

    // Nothing matches: an empty state with a way out.
    await page.getByLabel('Nom').fill('zzz-aucune-organisation');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.getByText('Aucune organisation ne correspond à ces critères.').waitFor();
    await page.getByRole('link', { name: 'Effacer les filtres' }).click();
    await page.waitForURL(`${app.url}/organisations`);
    expect(errors()).toEqual([]);
  });

  it('creates an organisation, validating in the browser first', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/organisations');
    await page.getByRole('link', { name: '+ Nouvelle organisation' }).click();
    await page.waitForURL(`${app.url}/organisations/new`);
    await waitForHydration(page);

    // Nothing posted while the form is invalid; the first invalid field gets the focus.
    await page.getByLabel('Nom', { exact: true }).fill('');
    await page.getByLabel('Investisseur').uncheck();
    await page.getByRole('button', { name: 'Créer l’organisation' }).click();
    await expect
      .poll(() => page.getByLabel('Nom', { exact: true }).getAttribute('aria-invalid'))
      .toBe('true');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'name');
    await page.getByText('Choisissez au moins un type.').waitFor();

    await page.getByLabel('Nom', { exact: true }).fill(ORGANISATION);
    await page.getByLabel('Investisseur').check();
    await page.getByLabel('Catégorie').selectOption({ label: 'Family office' });
    await page.getByLabel('Étape du pipeline').selectOption({ label: 'Prospect' });
    await page.getByLabel('Encours sous gestion').fill('250 000 000');
    await page.getByLabel('Ville').fill('Lyon');
    await page.getByRole('button', { name: 'Créer l’organisation' }).click();
    await page.waitForURL(/\/organisations\/[0-9a-f-]{36}\?notice=created$/);
    organisationPath = new URL(page.url()).pathname;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(ORGANISATION);
    await page.getByRole('status').filter({ hasText: 'a été créé' }).waitFor();
    await page.getByText('250 000 000 €').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'organisation-detail.png'), fullPage: true });
    expect(errors()).toEqual([]);
  });

  it('adds a person to it: the person and their affiliation, in one form', async () => {
    const { page, errors } = await openPage();
    await visit(page, organisationPath);
    await page.getByRole('link', { name: '+ Ajouter une personne' }).first().click();
    await page.waitForURL(/\/personnes\?ajouter=1/);
    const form = page.locator('#ajouter-personne');
    await expect(form.getAttribute('open')).resolves.not.toBeNull();
    await form.getByLabel('Prénom').fill(PERSON.first);
    await form.getByLabel('Nom', { exact: true }).fill(PERSON.last);
    await form.getByLabel('Rôle dans l’organisation').fill('Directrice des investissements');
    await form.getByLabel('E-mail professionnel').fill(`claire.${stamp}@exemple.fr`);
    await form.getByRole('button', { name: 'Ajouter la personne' }).click();
    const name = `${PERSON.first} ${PERSON.last}`;
    await page
      .getByRole('status')
      .filter({ hasText: `${name} a été ajoutée à ${ORGANISATION}.` })
      .waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
    await row.getByText('Directrice des investissements').waitFor();
    await row.getByText('Principal').waitFor();
    expect(errors()).toEqual([]);
  });

  it('links an existing person found by a search in the address', async () => {
    const { page, context, errors } = await openPage();
    const found = await context.request.get(`${app.url}/api/v1/people?limit=1&sort=lastName`);
    const [someone] = (
      (await found.json()) as { data: { id: string; firstName: string; lastName: string }[] }
    ).data;
    if (!someone) throw new Error('the manager sees nobody');
    const name = `${someone.firstName} ${someone.lastName}`;
    await visit(page, `${organisationPath}/personnes`);
    await page.getByText('Rattacher une personne existante').click();
    const link = page.locator('#rattacher-personne');
    await link.getByLabel('Rechercher une personne').fill(someone.lastName);
    await link.getByRole('button', { name: 'Chercher' }).click();
    await page.waitForURL(/personne=/);
    await link.getByLabel('Personne', { exact: true }).selectOption(someone.id);
    await link.getByLabel('Rôle dans l’organisation').fill('Conseil');
    await link.getByRole('button', { name: 'Rattacher' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${name} a été rattachée à ${ORGANISATION}.` })
      .waitFor();
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) })
      .getByText('Conseil')
      .waitFor();
    expect(errors()).toEqual([]);
  });

  it('logs an interaction with that person, and lists it', async () => {
    const { page, errors } = await openPage();
    await visit(page, `${organisationPath}/interactions`);
    await page.getByText('Aucune interaction consignée avec cette organisation.').waitFor();
    await page.locator('#consigner summary').click();
    const form = page.locator('#consigner');
    await form.getByLabel('Type').selectOption({ label: 'Rendez-vous' });
    await form.getByLabel('Objet').fill(SUBJECT);
    await form
      .getByLabel('Compte rendu')
      .fill('Présentation de la gamme obligataire.\nÀ relancer dans un mois.');
    await form.getByLabel(`${PERSON.first} ${PERSON.last}`, { exact: false }).check();
    await form.getByRole('button', { name: 'Consigner l’interaction' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Interaction « ${SUBJECT} » consignée.` })
      .waitFor();

    const list = page.getByRole('list', { name: 'Interactions' });
    const item = list.getByRole('listitem').filter({ hasText: SUBJECT });
    await item.getByText('Rendez-vous', { exact: true }).waitFor();
    await item.getByRole('link', { name: `${PERSON.first} ${PERSON.last}` }).waitFor();
    await item.getByText('À relancer dans un mois.').waitFor();
    // The form is ready for the next one.
    await expect(form.getByLabel('Objet').inputValue()).resolves.toBe('');
    expect(errors()).toEqual([]);
  });
});

describe('pipeline', () => {
  it('moves the organisation by keyboard, by the stage select and by drag and drop', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/pipeline');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Pipeline');
    await card(page, ORGANISATION).waitFor();
    await expect(column(page, 'Prospect').locator(card(page, ORGANISATION)).count()).resolves.toBe(1);

    // Keyboard: focus the → button, Enter; the card moves and keeps the focus.
    await card(page, ORGANISATION)
      .getByRole('button', { name: `Déplacer ${ORGANISATION} vers Qualification` })
      .focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => column(page, 'Qualification').locator(card(page, ORGANISATION)).count()).toBe(1);
    await page
      .getByRole('status')
      .filter({ hasText: `${ORGANISATION} est passée à l’étape Qualification.` })
      .waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('.kanban-card')?.textContent ?? ''))
      .toContain(ORGANISATION);

    // The stage select, then its "Déplacer" button.
    await card(page, ORGANISATION)
      .getByLabel(`Étape de ${ORGANISATION}`)
      .selectOption({ label: 'Due diligence' });
    await card(page, ORGANISATION)
      .getByRole('button', { name: `Déplacer ${ORGANISATION} vers l’étape choisie` })
      .click();
    await expect.poll(() => column(page, 'Due diligence').locator(card(page, ORGANISATION)).count()).toBe(1);
    await page.getByRole('status').filter({ hasText: 'l’étape Due diligence' }).waitFor();

    // Drag and drop (HTML5) onto the Proposition column.
    await dragCard(page, card(page, ORGANISATION), column(page, 'Proposition'));
    await expect.poll(() => column(page, 'Proposition').locator(card(page, ORGANISATION)).count()).toBe(1);
    await page.getByRole('status').filter({ hasText: 'l’étape Proposition' }).waitFor();

    // Saved, not just drawn: a reload shows the same.
    await page.reload();
    await waitForHydration(page);
    await expect(column(page, 'Proposition').locator(card(page, ORGANISATION)).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline.png'), fullPage: true });
    expect(errors()).toEqual([]);
  });

  it('moves a card without JavaScript: a plain form post', async () => {
    const { page, errors } = await openPage({ javaScriptEnabled: false });
    await page.goto(`${app.url}/pipeline`);
    await card(page, ORGANISATION)
      .getByLabel(`Étape de ${ORGANISATION}`)
      .selectOption({ label: 'Négociation' });
    await card(page, ORGANISATION)
      .getByRole('button', { name: `Déplacer ${ORGANISATION} vers l’étape choisie` })
      .click();
    await page.getByText(`${ORGANISATION} est passée à l’étape Négociation.`).waitFor();
    await expect(column(page, 'Négociation').locator(card(page, ORGANISATION)).count()).resolves.toBe(1);
    expect(errors()).toEqual([]);
  });

  it('refuses a move drawn from a stale board (412) and shows the latest state', async () => {
    const { page, context, errors } = await openPage();
    await visit(page, '/pipeline');
    const id = organisationPath.split('/').pop() ?? '';
    // Someone else changes the organisation after the board was drawn.
    const changed = await context.request.patch(`${app.url}/api/v1/organisations/${id}`, {
      data: { city: 'Villeurbanne' },
      headers: { Origin: app.url },
    });
    expect(changed.status()).toBe(200);
    const moved = page.waitForResponse((r) => r.request().method() === 'POST');
    await card(page, ORGANISATION)
      .getByRole('button', { name: `Déplacer ${ORGANISATION} vers Proposition` })
      .click();
    expect((await moved).status()).toBe(412);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(`${ORGANISATION} a été modifiée par quelqu’un d’autre entre-temps`);
    // Back where it is on the server, with the new data.
    await expect.poll(() => column(page, 'Négociation').locator(card(page, ORGANISATION)).count()).toBe(1);
    await card(page, ORGANISATION).getByText('Villeurbanne').waitFor();
    expect(errors(412)).toEqual([]);
  });
});

describe('history and edits', () => {
  it('shows the creation and each stage change, with before/after and who did it', async () => {
    const { page, errors } = await openPage();
    await visit(page, organisationPath);
    await page
      .getByRole('navigation', { name: 'Sections de la fiche' })
      .getByRole('link', { name: 'Historique' })
      .click();
    await page.waitForURL(`${app.url}${organisationPath}/historique`);
    const items = page.locator('.timeline__item');
    await expect.poll(() => items.count()).toBe(6); // created, 4 moves, city change
    const stageChanges = items.filter({ hasText: 'Changement d’étape' });
    await expect(stageChanges.count()).resolves.toBe(4);
    // Newest first: Négociation (no-JS), Proposition (drag), Due diligence (select), Qualification (keyboard).
    const latest = stageChanges.first();
    await latest.getByText('par Hélène Manager').waitFor();
    await expect(latest.locator('tbody tr').first().locator('del').textContent()).resolves.toBe(
      'Proposition',
    );
    await expect(latest.locator('.timeline__after').first().textContent()).resolves.toBe('Négociation');
    const earliest = stageChanges.last();
    await expect(earliest.locator('del').textContent()).resolves.toBe('Prospect');
    await expect(earliest.locator('.timeline__after').textContent()).resolves.toBe('Qualification');
    const creation = items.filter({ hasText: 'Création' });
    await creation.getByRole('row', { name: /Nom\s+Fondation Navigateur/ }).waitFor();
    await creation.getByRole('row', { name: /Étape\s+Prospect/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'organisation-history.png'), fullPage: true });

    // The interaction is listed on its tab.
    await page.getByRole('link', { name: 'Interactions', exact: true }).click();
    await page.getByRole('list', { name: 'Interactions' }).getByText(SUBJECT).waitFor();
    expect(errors()).toEqual([]);
  });

  it('explains an edit conflict (412) and reloads the latest version', async () => {
    const { page, context, errors } = await openPage();
    await visit(page, `${organisationPath}/modifier`);
    await page.getByLabel('Raison sociale').fill('Fondation Navigateur SAS');
    const id = organisationPath.split('/').pop() ?? '';
    const changed = await context.request.patch(`${app.url}/api/v1/organisations/${id}`, {
      data: { phone: '+33 4 00 00 00 00' },
      headers: { Origin: app.url },
    });
    expect(changed.status()).toBe(200);

    const saved = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect((await saved).status()).toBe(412);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('a été modifié(e) par quelqu’un d’autre');
    // Nothing typed is lost until the user chooses to reload.
    await expect(page.getByLabel('Raison sociale').inputValue()).resolves.toBe('Fondation Navigateur SAS');
    await alert.getByRole('link', { name: 'Recharger la dernière version' }).click();
    await expect.poll(() => page.getByLabel('Téléphone').inputValue()).toBe('+33 4 00 00 00 00');
    await page.getByLabel('Raison sociale').fill('Fondation Navigateur SAS');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(`${app.url}${organisationPath}?notice=saved`);
    await page.getByText('Modifications enregistrées.').waitFor();
    await page.getByText('Fondation Navigateur SAS').waitFor();
    expect(errors(412)).toEqual([]);
  });

  it('deletes after confirmation, then restores from the bin', async () => {
    const { page, errors } = await openPage();
    await visit(page, organisationPath);
    await page.getByRole('button', { name: `Supprimer ${ORGANISATION}` }).click();
    const dialog = page.getByRole('dialog', { name: `Supprimer ${ORGANISATION} ?` });
    await dialog.getByRole('button', { name: 'Supprimer' }).click();
    await page.waitForURL(`${app.url}/organisations?notice=deleted`);
    await page.getByText('L’organisation a été placée dans la corbeille.').waitFor();

    await page.getByRole('link', { name: 'Ouvrir la corbeille' }).click();
    await page.waitForURL(`${app.url}/organisations?deleted=true`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Corbeille des organisations');
    await page.getByRole('button', { name: `Restaurer ${ORGANISATION}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${ORGANISATION} a été restaurée.` })
      .waitFor();
    await visit(page, organisationPath);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(ORGANISATION);
    expect(errors()).toEqual([]);
  });
});

describe('people, tasks and mandates', () => {
  it('opens the person’s record (organisations, interactions, history), edits it and adds a task', async () => {
    const { page, errors } = await openPage();
    await visit(page, `${organisationPath}/personnes`);
    const name = `${PERSON.first} ${PERSON.last}`;
    await page.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(/\/personnes\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const organisations = page.getByRole('region', { name: 'Organisations' });
    await organisations.getByRole('link', { name: ORGANISATION }).waitFor();
    await organisations.getByText('Actuelle').waitFor();
    await page.getByRole('list', { name: 'Interactions' }).getByText(SUBJECT).waitFor();
    await page.getByRole('region', { name: 'Historique' }).getByText('Création', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Modifier', exact: true }).click();
    await page.waitForURL(/\/modifier$/);
    await page.getByLabel('Fonction').fill('Directrice des investissements');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Modifications enregistrées.').waitFor();
    await page.getByText('Directrice des investissements').first().waitFor();

    const tasks = page.getByRole('region', { name: 'Tâches' });
    await tasks.getByText('+ Nouvelle tâche').click();
    await tasks.getByLabel('Intitulé').fill(`Rappeler ${name}`);
    await tasks.getByLabel('Priorité').selectOption({ label: 'Haute' });
    await tasks.getByLabel('Échéance').fill(new Date().toISOString().slice(0, 10));
    await tasks.getByRole('button', { name: 'Créer la tâche' }).click();
    await page.getByText(`Tâche « Rappeler ${name} » créée.`).waitFor();
    await tasks
      .getByRole('row')
      .filter({ hasText: `Rappeler ${name}` })
      .getByText('Haute')
      .waitFor();
    expect(errors()).toEqual([]);
  });

  it('lists my tasks with filters in the address, completes and reopens one', async () => {
    const { page, errors } = await openPage();
    await visit(page, '/tasks');
    await page.waitForURL(`${app.url}/taches`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tâches');
    const title = `Rappeler ${PERSON.first} ${PERSON.last}`;
    const filters = page.getByRole('search');
    await filters.getByLabel('Priorité').selectOption({ label: 'Haute' });
    await page.waitForURL(/priority=high/);
    const row = page.getByRole('row').filter({ hasText: title });
    await row.getByRole('button', { name: `Marquer « ${title} » comme terminée` }).click();
    await page.getByText(`Tâche « ${title} » terminée.`).waitFor();
    await expect.poll(() => row.count()).toBe(0); // open tasks only

    await filters.getByLabel('Statut').selectOption({ label: 'Terminée' });
    await page.waitForURL(/status=done/);
    await row.getByRole('button', { name: `Rouvrir « ${title} »` }).click();
    await page.getByText(`Tâche « ${title} » rouverte.`).waitFor();
    await expect.poll(() => row.count()).toBe(0);
    expect(errors()).toEqual([]);
  });

  it('moves a mandate along its lifecycle, offering only the legal next step, and explains a 409', async () => {
    const { page, context, errors } = await openPage();
    const drafts = await context.request.get(`${app.url}/api/v1/mandates?status=draft&limit=1`);
    const [mandate] = ((await drafts.json()) as { data: { id: string; title: string }[] }).data;
    if (!mandate) throw new Error('the demo data has no draft mandate for the manager');
    await visit(page, `/mandats/${mandate.id}`);
    const lifecycle = page.getByRole('region', { name: 'Cycle de vie' });
    await expect.poll(() => lifecycle.getByRole('button').allTextContents()).toEqual(['Proposer au client']);
    await lifecycle.getByRole('button', { name: 'Proposer au client' }).click();
    await lifecycle.getByText('Le mandat est maintenant « Proposé ».').waitFor();
    await expect.poll(() => lifecycle.getByRole('button').allTextContents()).toEqual(['Marquer comme signé']);

    // Someone signs it meanwhile: signing again is refused (409) and explained; the page catches up.
    const signed = await context.request.post(`${app.url}/api/v1/mandates/${mandate.id}/transition`, {
      data: { to: 'signed' },
      headers: { Origin: app.url },
    });
    expect(signed.status()).toBe(200);
    const answered = page.waitForResponse((r) => r.request().method() === 'POST');
    await lifecycle.getByRole('button', { name: 'Marquer comme signé' }).click();
    expect((await answered).status()).toBe(409);
    await expect
      .poll(() => lifecycle.getByRole('alert').textContent())
      .toContain('le mandat est déjà « Signé »');
    await expect.poll(() => lifecycle.getByRole('button').allTextContents()).toEqual(['Activer']);
    await page
      .getByRole('region', { name: 'Historique' })
      .getByText('Changement de statut')
      .first()
      .waitFor();
    expect(errors(409)).toEqual([]);
  });
});
