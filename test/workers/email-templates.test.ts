import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSuppressions } from '../../worker/db/schema';
import { renderEmailHtml, renderEmailText } from '../../worker/modules/email/email.render';
import { sanitizeEmailHtml } from '../../worker/modules/email/email.sanitize';
import { fillVariables } from '../../worker/modules/email/email.variables';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

const BLOCKS = [
  {
    id: 'h',
    type: 'heading',
    text: 'Bonjour {{person.first_name|cher investisseur}}',
    level: 1,
    align: 'left',
  },
  {
    id: 't',
    type: 'text',
    text: 'Un **point** clé et un [lien](https://www.alforis.fr/x).\nLigne 2',
    align: 'left',
  },
  {
    id: 'c',
    type: 'columns',
    left: [{ id: 'cl', type: 'text', text: 'Gauche', align: 'left' }],
    right: [{ id: 'cr', type: 'image', src: 'https://cdn.alforis.fr/a.png', alt: 'Graphique', width: 280 }],
  },
  {
    id: 'b',
    type: 'button',
    label: 'Lire',
    url: 'https://www.alforis.fr/lettre',
    align: 'center',
    color: '#1f4e79',
  },
  { id: 'd', type: 'divider' },
];

describe('rendering', () => {
  it('renders blocks to table-based responsive HTML with a text part and an unsubscribe footer', async () => {
    const document = { subject: 'Lettre', preheader: 'Aperçu', blocks: BLOCKS as never };
    const html = renderEmailHtml(document);
    expect(html).toMatch(/^<!DOCTYPE html PUBLIC/);
    expect(html).toContain('role="presentation"');
    expect(html).toContain('@media only screen and (max-width:620px)');
    expect(html).toContain('class="stack"');
    expect(html).toContain('<strong>point</strong>');
    expect(html).toContain('href="https://www.alforis.fr/x"');
    expect(html).toContain('href="{{unsubscribe_url}}"');
    const text = renderEmailText(document);
    expect(text).toContain('Un point clé et un lien (https://www.alforis.fr/x).');
    expect(text).toContain('Lire : https://www.alforis.fr/lettre');
    expect(text).toContain('{{unsubscribe_url}}');
    expect(text).not.toContain('<');
  });

  it('escapes author text: markup typed in a block is text, never HTML', () => {
    const html = renderEmailHtml({
      subject: 's',
      blocks: [
        {
          id: 'x',
          type: 'text',
          text: '<script>alert(1)</script><img src=x onerror=alert(1)>',
          align: 'left',
        },
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('fills variables with fallbacks, escaping values in HTML', () => {
    const source = '<p>{{person.first_name|Madame}} {{organisation.name}}</p>';
    expect(fillVariables(source, { 'person.first_name': 'Zoé <b>' }, 'html')).toBe('<p>Zoé &lt;b&gt; </p>');
    expect(fillVariables(source, { 'person.first_name': ' ' }, 'html')).toBe('<p>Madame </p>');
    expect(fillVariables('{{person.first_name}}', { 'person.first_name': 'A&B' }, 'text')).toBe('A&B');
  });
});

describe('sanitising stored HTML', () => {
  it('drops scripts, event handlers, javascript: URLs and CSS expressions but keeps email markup', async () => {
    const dirty = `<html><head><style>p{color:red}</style><script>steal()</script></head><body>
      <table role="presentation"><tr><td onclick="x()" style="color:red">Hi</td></tr></table>
      <a href="javascript:alert(1)">a</a><a href=" java\tscript:alert(1)">b</a><a href="https://ok.example/">c</a>
      <a href="{{unsubscribe_url}}">u</a><img src="data:image/svg+xml,<svg onload=x>" onerror="y()">
      <div style="width:expression(alert(1))">d</div><iframe src="https://evil.example"></iframe>
      <form action="https://evil.example"><input name=a></form><svg><script>z()</script></svg>
      <!--[if mso]><table><tr><td><![endif]--></body></html>`;
    const clean = await sanitizeEmailHtml(dirty);
    expect(clean).not.toMatch(
      /<script|onclick|onerror|javascript:|java\tscript|expression\(|<iframe|<form|<input|<svg/i,
    );
    expect(clean).not.toContain('data:image');
    expect(clean).toContain('href="https://ok.example/"');
    expect(clean).toContain('href="{{unsubscribe_url}}"');
    expect(clean).toContain('style="color:red"');
    expect(clean).toContain('<style>p{color:red}</style>');
    expect(clean).toContain('<!--[if mso]>');
  });
});

describe('templates API', () => {
  it('creates a template: HTML rendered and sanitised, text generated; preview fills a person', async () => {
    const response = await fx.as(
      'user',
      '/api/v1/email/templates',
      jsonBody('POST', { name: 'Lettre', subject: 'Bonjour {{person.first_name}}', blocks: BLOCKS }),
    );
    expect(response.status, await response.clone().text()).toBe(201);
    const template = (await response.json()) as { id: string; html: string; text: string; version: number };
    expect(template.html).toContain('Lire');
    expect(template.text).toContain('Lire : https://www.alforis.fr/lettre');
    expect(response.headers.get('ETag')).toBe('"v1"');

    const personId = await createRecordAs(fx, 'user', 'people', { firstName: 'Claire', lastName: 'Martin' });
    const preview = await fx.as(
      'user',
      '/api/v1/email/templates/preview',
      jsonBody('POST', { subject: 'Bonjour {{person.first_name}}', blocks: BLOCKS, personId }),
    );
    expect(preview.status).toBe(200);
    const rendered = (await preview.json()) as { subject: string; html: string };
    expect(rendered.subject).toBe('Bonjour Claire');
    expect(rendered.html).toContain('Bonjour Claire');
    expect(rendered.html).not.toContain('{{');

    const stale = await fx.as('user', `/api/v1/email/templates/${template.id}`, {
      ...jsonBody('PATCH', { name: 'Lettre 2' }),
      headers: { 'Content-Type': 'application/json', 'If-Match': '"v9"' },
    });
    expect(stale.status).toBe(412);
  });

  it('refuses unsafe URLs and unknown variables with field errors', async () => {
    const unsafe = await fx.as(
      'user',
      '/api/v1/email/templates',
      jsonBody('POST', {
        name: 'x',
        subject: 'x',
        blocks: [{ id: 'b', type: 'button', label: 'x', url: 'javascript:alert(1)' }],
      }),
    );
    expect(unsafe.status).toBe(422);
    expect((await problemOf(unsafe)).errors?.[0]?.path).toBe('blocks.0.url');
    const unknown = await fx.as(
      'user',
      '/api/v1/email/templates',
      jsonBody('POST', { name: 'x', subject: '{{person.salary}}', blocks: [] }),
    );
    expect(unknown.status).toBe(422);
    expect((await problemOf(unknown)).detail).toContain('person.salary');
  });

  it('lists the starter library, each starter rendering cleanly', async () => {
    const response = await fx.as('viewer', '/api/v1/email/templates/starters');
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as {
      data: { key: string; subject: string; blocks: unknown[] }[];
    };
    expect(data.length).toBeGreaterThanOrEqual(4);
    for (const starter of data) {
      const created = await fx.as(
        'user',
        '/api/v1/email/templates',
        jsonBody('POST', { name: starter.key, subject: starter.subject, blocks: starter.blocks }),
      );
      expect(created.status, starter.key).toBe(201);
    }
  });

  it('viewers read but cannot write', async () => {
    const response = await fx.as(
      'viewer',
      '/api/v1/email/templates',
      jsonBody('POST', { name: 'x', subject: 'x', blocks: [] }),
    );
    expect(response.status).toBe(403);
  });
});

describe('audiences', () => {
  it('always excludes people without consent, suppressed or without an address; counts live', async () => {
    const tag = `t${crypto.randomUUID().slice(0, 6)}`;
    const make = (values: Record<string, unknown>) =>
      createRecordAs(fx, 'admin', 'people', { firstName: 'P', lastName: 'Q', tags: [tag], ...values });
    await make({ workEmail: 'granted@a.example', consentStatus: 'granted' });
    await make({ personalEmail: 'personal@a.example', consentStatus: 'granted' });
    await make({ workEmail: 'unknown@a.example', consentStatus: 'unknown' });
    await make({ workEmail: 'denied@a.example', consentStatus: 'denied' });
    await make({ workEmail: 'withdrawn@a.example', consentStatus: 'withdrawn' });
    await make({ workEmail: 'Suppressed@A.example', consentStatus: 'granted' });
    await make({ consentStatus: 'granted' });
    const handle = testDbHandle(database.url);
    await handle.db
      .insert(emailSuppressions)
      .values({ email: 'suppressed@a.example', reason: 'unsubscribe' });
    await handle.close();

    const count = await fx.as('admin', '/api/v1/email/segments/count', jsonBody('POST', { tags: [tag] }));
    expect(count.status).toBe(200);
    const body = (await count.json()) as {
      count: number;
      excluded: Record<string, number>;
      sample: { email: string }[];
    };
    expect(body.count).toBe(2);
    expect(body.sample.map((row) => row.email).sort()).toEqual(['granted@a.example', 'personal@a.example']);
    expect(body.excluded).toEqual({ noConsent: 3, suppressed: 1, noEmail: 1 });

    // A static list cannot smuggle in a non-consenting member either.
    const list = await fx.as(
      'admin',
      '/api/v1/email/segments',
      jsonBody('POST', { name: 'VIP', kind: 'static' }),
    );
    const { id } = (await list.json()) as { id: string };
    const added = await fx.as(
      'admin',
      `/api/v1/email/segments/${id}/members`,
      jsonBody('POST', { csv: 'email\ngranted@a.example\ndenied@a.example\nnobody@a.example' }),
    );
    expect(await added.json()).toEqual({ added: 2, unmatched: ['nobody@a.example'] });
    const listCount = (await (await fx.as('admin', `/api/v1/email/segments/${id}/count`)).json()) as {
      count: number;
    };
    expect(listCount.count).toBe(1);
  });

  it('filters by organisation type, stage, city and mandate status through current affiliations', async () => {
    const city = `Ville${crypto.randomUUID().slice(0, 6)}`;
    const org = await createRecordAs(fx, 'admin', 'organisations', {
      name: 'Caisse',
      types: ['investor'],
      city,
    });
    const other = await createRecordAs(fx, 'admin', 'organisations', {
      name: 'Banque',
      types: ['distributor'],
      city,
    });
    await createRecordAs(fx, 'admin', 'mandates', {
      number: `M-${crypto.randomUUID().slice(0, 8)}`,
      organisationId: org,
      title: 'Mandat',
      type: 'advisory',
      status: 'signed',
    });
    const investor = await createRecordAs(fx, 'admin', 'people', {
      firstName: 'I',
      lastName: 'N',
      workEmail: `i-${city}@a.example`,
      consentStatus: 'granted',
    });
    const distributor = await createRecordAs(fx, 'admin', 'people', {
      firstName: 'D',
      lastName: 'S',
      workEmail: `d-${city}@a.example`,
      consentStatus: 'granted',
    });
    await createRecordAs(fx, 'admin', 'affiliations', {
      personId: investor,
      organisationId: org,
      isPrimary: true,
    });
    await createRecordAs(fx, 'admin', 'affiliations', {
      personId: distributor,
      organisationId: other,
      isPrimary: true,
    });

    const count = async (filters: Record<string, unknown>) =>
      (
        (await (await fx.as('admin', '/api/v1/email/segments/count', jsonBody('POST', filters))).json()) as {
          count: number;
        }
      ).count;
    expect(await count({ cities: [city.toLowerCase()] })).toBe(2);
    expect(await count({ cities: [city], organisationTypes: ['investor'] })).toBe(1);
    expect(await count({ cities: [city], mandateStatuses: ['signed'] })).toBe(1);
    expect(await count({ cities: [city], mandateStatuses: ['draft'] })).toBe(0);
    expect(await count({ cities: [city], notInteractedForDays: 30 })).toBe(2);
    expect(await count({ cities: [city], interactedWithinDays: 30 })).toBe(0);
  });
});
