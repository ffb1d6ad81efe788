/** Caller-supplied ids are kept only when they look like ids, so logs cannot be injected. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function resolveRequestId(incoming: string | null | undefined): string {
  if (incoming && ACCEPTED_REQUEST_ID.test(incoming)) return incoming;
  return crypto.randomUUID();
}
