// Checks the local Upstash endpoint with the real @upstash/redis client (the one the
// worker uses) against a real Redis we start and stop on purpose.
// Run: npm exec -- tsx scripts/checks/upstash.ts   (exits non-zero on any failure)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from '@upstash/redis';
import { startRedisServer } from '../local/redis';
import { startUpstashServer } from '../local/upstash-server';

const redisServer = await startRedisServer();
const token = randomBytes(16).toString('hex');
const upstash = await startUpstashServer({ redisUrl: redisServer.url, token });
let failed = 0;

async function check(name: string, fn: () => Promise<void>) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n     ${err instanceof Error ? err.message : String(err)}`);
  }
}

try {
  const redis = new Redis({ url: upstash.url, token, retry: false });
  const plain = new Redis({ url: upstash.url, token, retry: false, responseEncoding: false });

  await check('SET EX / NX, GET, TTL', async () => {
    assert.equal(await redis.set('k1', 'v1', { ex: 100 }), 'OK');
    assert.equal(await redis.set('k1', 'other', { nx: true }), null);
    assert.equal(await redis.get('k1'), 'v1');
    const ttl = await redis.ttl('k1');
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await redis.set('k2', 'x', { nx: true, px: 50 }), 'OK');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await redis.get('k2'), null);
  });

  await check('INCR / INCRBY / DEL / EXISTS', async () => {
    assert.equal(await redis.incr('n'), 1);
    assert.equal(await redis.incrby('n', 41), 42);
    assert.equal(await redis.get('n'), 42); // the client parses JSON-looking values
    assert.equal(await redis.del('n', 'k1', 'missing'), 2);
    assert.equal(await redis.exists('n'), 0);
  });

  await check('JSON values (objects, arrays, numbers as strings)', async () => {
    const value = { id: 7, name: 'Société Générale', tags: ['a', 'b'], nested: { ok: true, n: null } };
    await redis.set('json', value);
    assert.deepEqual(await redis.get('json'), value);
    await redis.set('numstr', '00123');
    assert.equal(await redis.get('numstr'), '00123');
  });

  await check('unicode and binary-ish strings round-trip (base64 and plain modes)', async () => {
    const s = 'héllo ✓ 日本語 🚀 \u0000 nul \r\n crlf "quotes" \\ backslash';
    await redis.set('uni', s);
    assert.equal(await redis.get('uni'), s);
    assert.equal(await plain.get('uni'), s);
    const big = randomBytes(1024 * 1024).toString('base64');
    await redis.set('big', big);
    assert.equal(await redis.get('big'), big);
  });

  await check('HSET / HGETALL / HGET / HINCRBY', async () => {
    assert.equal(await redis.hset('h', { a: '1', b: 'deux', c: JSON.stringify({ x: 1 }) }), 3);
    assert.deepEqual(await redis.hgetall('h'), { a: 1, b: 'deux', c: { x: 1 } });
    assert.equal(await redis.hget('h', 'b'), 'deux');
    assert.equal(await redis.hincrby('h', 'a', 2), 3);
    assert.equal(await redis.hgetall('nope'), null);
  });

  await check('status replies other than OK (PING, TYPE)', async () => {
    assert.equal(await redis.ping(), 'PONG');
    assert.equal(await redis.type('h'), 'hash');
    assert.equal(await plain.ping(), 'PONG');
  });

  await check('nested arrays (ZRANGE WITHSCORES, SCAN, LRANGE)', async () => {
    await redis.zadd('z', { score: 1, member: 'un' }, { score: 2, member: 'deux' });
    assert.deepEqual(await redis.zrange('z', 0, -1, { withScores: true }), ['un', 1, 'deux', 2]);
    await redis.rpush('l', 'a', 'é', 'c');
    assert.deepEqual(await redis.lrange('l', 0, -1), ['a', 'é', 'c']);
    const [cursor, keys] = await redis.scan(0, { match: 'z*', count: 100 });
    assert.equal(String(cursor), '0');
    assert.deepEqual(keys, ['z']);
  });

  await check('pipeline (mixed results, an error kept with keepErrors)', async () => {
    const p = redis.pipeline();
    p.set('p1', 'a');
    p.incr('p2');
    p.get('p1');
    p.hget('h', 'b');
    const res = await p.exec();
    assert.deepEqual(res, ['OK', 1, 'a', 'deux']);
    const bad = redis.pipeline();
    bad.set('p3', 'x');
    bad.incr('p3'); // not an integer
    bad.get('p3');
    const kept = await bad.exec({ keepErrors: true });
    assert.equal(kept[0]?.result, 'OK');
    assert.match(String(kept[1]?.error), /not an integer/);
    assert.equal(kept[2]?.result, 'x');
    await assert.rejects(redis.pipeline().set('p4', 'y').incr('p4').exec(), /Command 2 \[ incr \] failed/);
  });

  await check('multi/exec transaction', async () => {
    const tx = redis.multi();
    tx.set('t1', 'one');
    tx.incr('t2');
    tx.incr('t2');
    tx.get('t1');
    assert.deepEqual(await tx.exec(), ['OK', 1, 2, 'one']);
    // a queue-time error (unknown command) aborts the whole transaction
    const res = await fetch(`${upstash.url}/multi-exec`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify([['set', 't3', 'x'], ['nosuchcommand']]),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /unknown command/i);
    assert.equal(await redis.get('t3'), null);
  });

  await check('EVAL / EVALSHA via Script (NOSCRIPT fallback)', async () => {
    const r = await redis.eval('return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}', ['k'], ['é', '41']);
    assert.deepEqual(r, ['k', 'é', 42]);
    const script = redis.createScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    assert.equal(await script.exec(['s'], ['5']), 5);
    assert.equal(await script.exec(['s'], ['5']), 10);
    // rate-limit style script: INCR + EXPIRE NX
    const rl = `local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {c, redis.call('PTTL', KEYS[1])}`;
    const [count, pttl] = (await redis.eval(rl, ['rl'], ['60000'])) as [number, number];
    assert.equal(count, 1);
    assert.ok(pttl > 59_000);
  });

  await check('Redis errors: 400 + UpstashError for a single command', async () => {
    await redis.set('str', 'x');
    await assert.rejects(
      redis.incr('str'),
      (err: Error) => err.name === 'UpstashError' && /not an integer/.test(err.message),
    );
    const res = await fetch(upstash.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(['incr', 'str']),
    });
    assert.equal(res.status, 400);
  });

  await check('auth: wrong or missing token -> 401', async () => {
    const bad = new Redis({ url: upstash.url, token: 'wrong', retry: false });
    await assert.rejects(bad.get('k'), /Unauthorized/);
    const res = await fetch(upstash.url, { method: 'POST', body: JSON.stringify(['ping']) });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'Unauthorized' });
  });

  await check('REST path style and refused commands', async () => {
    const res = await fetch(`${upstash.url}/set/pathkey/${encodeURIComponent('a b/é')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(await res.json(), { result: 'OK' });
    assert.equal(await redis.get('pathkey'), 'a b/é');
    await assert.rejects(
      redis.eval("return redis.call('SUBSCRIBE', 'x')", [], []),
      /UpstashError|not allowed|SUBSCRIBE/,
    );
    const sub = await fetch(upstash.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(['subscribe', 'x']),
    });
    assert.equal(sub.status, 400);
  });

  await check('concurrency: 500 parallel INCRs', async () => {
    await Promise.all(Array.from({ length: 500 }, () => redis.incr('par')));
    assert.equal(await redis.get('par'), 500);
  });

  await check('Redis down: fast 503, then recovers when Redis is back', async () => {
    await redisServer.stop();
    const t0 = performance.now();
    await assert.rejects(redis.get('k'), /Redis unavailable/);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 1500, `took ${elapsed} ms`);
    const res = await fetch(upstash.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(['get', 'k']),
    });
    assert.equal(res.status, 503);
    console.log(`     (failed in ${elapsed.toFixed(0)} ms)`);
    const again = await startRedisServer(redisServer.port);
    try {
      assert.equal(await redis.set('back', 'yes'), 'OK');
      assert.equal(await redis.get('back'), 'yes');
    } finally {
      await again.stop();
    }
  });
} finally {
  await upstash.stop();
  await redisServer.stop();
}

if (failed > 0) {
  console.log(`${failed} check(s) failed`);
  process.exit(1);
}
console.log('all upstash checks passed');
