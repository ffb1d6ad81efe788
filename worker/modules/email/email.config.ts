import { z } from 'zod';
import { AppError } from '../../lib/errors';

/**
 * Email settings, read from the worker's environment. Kept in this module (not
 * lib/config.ts) because only email uses them; secrets come from `wrangler
 * secret put` in production and have development defaults elsewhere.
 */
const emailConfigSchema = z.object({
  ENVIRONMENT: z.string().default('development'),
  /** SendGrid's API root; local runs and tests point it at the sink speaking the same protocol. */
  SENDGRID_BASE_URL: z.url().default('https://api.sendgrid.com'),
  SENDGRID_API_KEY: z.string().min(1).default('SG.local-development-key'),
  /** Base64 DER (SPKI) P-256 key from SendGrid's "Signed Event Webhook" settings. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  EMAIL_TRACKING_SECRET: z.string().min(16).optional(),
  /** Where recipients' clients reach the tracking and unsubscribe endpoints. */
  EMAIL_PUBLIC_BASE_URL: z.url().default('http://localhost:8787'),
  EMAIL_RATE_PER_MINUTE: z.coerce.number().int().positive().default(600),
  EMAIL_DAILY_QUOTA: z.coerce.number().int().positive().default(100_000),
  /** Oldest webhook timestamp accepted, in seconds (replay protection). */
  EMAIL_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
});

export interface EmailConfig {
  environment: string;
  sendgridBaseUrl: string;
  sendgridApiKey: string;
  webhookPublicKey: string | undefined;
  trackingSecret: string;
  publicBaseUrl: string;
  ratePerMinute: number;
  dailyQuota: number;
  webhookToleranceSeconds: number;
}

const DEVELOPMENT_TRACKING_SECRET = 'development-only-email-tracking-secret';
const cache = new WeakMap<object, EmailConfig>();

export function readEmailConfig(env: Env): EmailConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  // Email variables are optional bindings, absent from the generated Env type.
  const parsed = emailConfigSchema.safeParse(env as unknown as Record<string, unknown>);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new AppError('MISCONFIGURED', { detail: `Invalid email configuration: ${names.join(', ')}` });
  }
  const value = parsed.data;
  if (value.ENVIRONMENT === 'production' && !value.EMAIL_TRACKING_SECRET) {
    throw new AppError('MISCONFIGURED', { detail: 'Missing configuration: EMAIL_TRACKING_SECRET' });
  }
  const config: EmailConfig = {
    environment: value.ENVIRONMENT,
    sendgridBaseUrl: value.SENDGRID_BASE_URL.replace(/\/+$/, ''),
    sendgridApiKey: value.SENDGRID_API_KEY,
    webhookPublicKey: value.SENDGRID_WEBHOOK_PUBLIC_KEY,
    trackingSecret: value.EMAIL_TRACKING_SECRET ?? DEVELOPMENT_TRACKING_SECRET,
    publicBaseUrl: value.EMAIL_PUBLIC_BASE_URL.replace(/\/+$/, ''),
    ratePerMinute: value.EMAIL_RATE_PER_MINUTE,
    dailyQuota: value.EMAIL_DAILY_QUOTA,
    webhookToleranceSeconds: value.EMAIL_WEBHOOK_TOLERANCE_SECONDS,
  };
  cache.set(env, config);
  return config;
}
