// Local Cron Triggers: `wrangler dev` never fires crons on its own; with
// --test-scheduled it exposes GET /__scheduled?cron=<expr>. The ticker calls it for
// every cron of wrangler.toml when due (minute granularity, UTC like Cloudflare).
import { readFileSync } from 'node:fs';

/** The top-level `[triggers] crons = [...]` of a wrangler.toml (env sections are ignored). */
export function cronsFromWranglerToml(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let section = '';
  let collecting = false;
  let buffer = '';
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (collecting) {
      buffer += ` ${line}`;
      if (line.includes(']')) break;
      continue;
    }
    const header = /^\[+([^\]]+)\]+$/.exec(line);
    if (header?.[1]) {
      section = header[1].trim();
      continue;
    }
    if (section === 'triggers' && /^crons\s*=/.test(line)) {
      buffer = line.slice(line.indexOf('=') + 1);
      if (line.includes(']')) break;
      collecting = true;
    }
  }
  return [...buffer.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter(Boolean);
}

const FIELDS = [
  { min: 0, max: 59 }, // minute
  { min: 0, max: 23 }, // hour
  { min: 1, max: 31 }, // day of month
  { min: 1, max: 12 }, // month
  { min: 0, max: 7 }, // day of week (0 and 7 = Sunday)
] as const;

const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

export interface CronSchedule {
  expr: string;
  matches(date: Date): boolean;
}

function parseField(text: string, index: number): { set: Set<number>; star: boolean } {
  const { min, max } = FIELDS[index] as { min: number; max: number };
  const set = new Set<number>();
  const value = (v: string) => {
    const n = NAMES[v.toLowerCase()] ?? Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`bad cron value ${v}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad cron step in ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      lo = value(a);
      hi = value(b);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) set.add(index === 4 && v === 7 ? 0 : v);
  }
  return { set, star: text === '*' || text.startsWith('*/') };
}

/** Parses a 5-field cron expression (numbers, names, *, ranges, lists, steps; L/W/# unsupported). */
export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}": expected 5 fields`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, i)) as [
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
  ];
  return {
    expr,
    matches(date) {
      if (!minute.set.has(date.getUTCMinutes()) || !hour.set.has(date.getUTCHours())) return false;
      if (!month.set.has(date.getUTCMonth() + 1)) return false;
      const domOk = dom.set.has(date.getUTCDate());
      const dowOk = dow.set.has(date.getUTCDay());
      // classic cron: when both day fields are restricted, either may match
      if (!dom.star && !dow.star) return domOk || dowOk;
      return domOk && dowOk;
    },
  };
}

export interface CronTicker {
  stop(): void;
}

/**
 * Every minute (a second after it starts), fires the due crons against
 * `${workerUrl}/__scheduled?cron=...`. Failures are logged, never thrown.
 */
export function startCronTicker(opts: {
  workerUrl: string;
  crons: string[];
  log?: (line: string) => void;
  now?: () => Date;
}): CronTicker {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const schedules = opts.crons.map(parseCron);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastMinute = -1;

  const fire = async (schedule: CronSchedule) => {
    const url = `${opts.workerUrl}/__scheduled?cron=${encodeURIComponent(schedule.expr)}`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      await res.body?.cancel();
      if (!res.ok) log(`cron "${schedule.expr}": /__scheduled answered ${res.status}`);
    } catch (err) {
      if (!stopped) log(`cron "${schedule.expr}": ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const tick = () => {
    if (stopped) return;
    const date = now();
    const minute = Math.floor(date.getTime() / 60_000);
    if (minute !== lastMinute) {
      lastMinute = minute;
      for (const s of schedules) if (s.matches(date)) void fire(s);
    }
    const msToNext = 60_000 - (date.getTime() % 60_000) + 1000;
    timer = setTimeout(tick, msToNext);
    timer.unref();
  };
  // first check at the next minute boundary: starting mid-minute does not count as "due"
  const first = now();
  lastMinute = Math.floor(first.getTime() / 60_000);
  timer = setTimeout(tick, 60_000 - (first.getTime() % 60_000) + 1000);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
