/// <reference lib="dom" />
import { chromium } from 'playwright-core';

const url = 'http://127.0.0.1:8899';
const [path, selector, out, email = 'admin@alforis.test', theme = 'dark', width = '390'] =
  process.argv.slice(2);
const r = await fetch(`${url}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ email, password: 'alforis-demo' }),
});
const { token } = (await r.json()) as { token: string };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({ viewport: { width: Number(width), height: 844 } });
await context.addCookies([
  { name: 'alforis_session', value: token, url },
  { name: 'theme', value: theme, url },
]);
const page = await context.newPage();
await page.goto(`${url}${path}`);
await page
  .locator(selector ?? 'main')
  .first()
  .screenshot({ path: out });
await browser.close();
