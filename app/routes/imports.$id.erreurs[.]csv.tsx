import { type LoaderFunctionArgs, redirect } from '@remix-run/cloudflare';
import { requireActorDeps } from '~/lib/auth.server';
import { AppError } from '~/lib/crm.server';
import { isUuid } from '~/lib/crm-list';
import { loaderGuard, notFound } from '~/lib/errors.server';
import { errorReport, importBindings } from '~/lib/imports.server';

/**
 * The error report of an import as a download: before the commit, the dry
 * run's rejected rows; after it, the rows the commit rejected (ADR 011).
 * When there is none to give (running, failed), back to the import's page.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const report = await loaderGuard(request, async () => {
    try {
      return await errorReport(deps, importBindings(context).bucket, id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT')
        throw redirect(`/imports/${id}?report=none`);
      throw error;
    }
  });
  return new Response(report.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${report.fileName.replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      'Cache-Control': 'private, no-store',
    },
  });
}
