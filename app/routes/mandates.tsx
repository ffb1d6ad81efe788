import { type LoaderFunctionArgs, redirect } from '@remix-run/cloudflare';

/** The English address of /mandats: a permanent redirect, query string kept. */
export function loader({ request }: LoaderFunctionArgs) {
  const { search } = new URL(request.url);
  return redirect(`/mandats${search}`, 301);
}
