/**
 * The provider adapter: one outgoing message → SendGrid's v3 `POST /v3/mail/send`
 * over `fetch`, against a configurable base URL (SendGrid itself, or the local
 * sink that speaks the same protocol in development and tests).
 */

export interface OutgoingEmail {
  to: { email: string; name?: string };
  from: { email: string; name?: string };
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** Echoed back on every provider event (SendGrid `custom_args`). */
  customArgs: Record<string, string>;
  categories?: string[];
}

export type SendResult =
  | { ok: true; providerMessageId: string | null }
  | { ok: false; retryable: boolean; status: number; error: string; retryAfterSeconds?: number };

export interface EmailProvider {
  readonly name: string;
  send(message: OutgoingEmail): Promise<SendResult>;
}

/** The v3 mail/send body: one personalization per recipient, our own tracking (SendGrid's off). */
export function sendgridBody(message: OutgoingEmail) {
  return {
    personalizations: [
      {
        to: [
          message.to.name ? { email: message.to.email, name: message.to.name } : { email: message.to.email },
        ],
        custom_args: message.customArgs,
      },
    ],
    from: message.from.name
      ? { email: message.from.email, name: message.from.name }
      : { email: message.from.email },
    subject: message.subject,
    content: [
      { type: 'text/plain', value: message.text },
      { type: 'text/html', value: message.html },
    ],
    headers: message.headers,
    ...(message.categories?.length ? { categories: message.categories.slice(0, 10) } : {}),
    tracking_settings: {
      click_tracking: { enable: false, enable_text: false },
      open_tracking: { enable: false },
      subscription_tracking: { enable: false },
    },
  };
}

export function createSendgridProvider(options: {
  baseUrl: string;
  apiKey: string;
  fetcher?: typeof fetch;
}): EmailProvider {
  const fetcher = options.fetcher ?? fetch;
  return {
    name: 'sendgrid',
    async send(message) {
      let response: Response;
      try {
        response = await fetcher(`${options.baseUrl}/v3/mail/send`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(sendgridBody(message)),
        });
      } catch (error) {
        return {
          ok: false,
          retryable: true,
          status: 0,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      if (response.status === 202 || response.status === 200) {
        await response.body?.cancel();
        return { ok: true, providerMessageId: response.headers.get('X-Message-Id') };
      }
      const detail = (await response.text()).slice(0, 500);
      const retryAfter = Number(response.headers.get('Retry-After'));
      return {
        ok: false,
        // 429 and 5xx are SendGrid's "try again later"; other 4xx mean this message is wrong.
        retryable: response.status === 429 || response.status >= 500,
        status: response.status,
        error: `SendGrid ${response.status}: ${detail}`,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      };
    },
  };
}
