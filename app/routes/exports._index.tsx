import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useEffect, useState } from 'react';
import { requireActorDeps } from '~/lib/auth.server';
import { useLocale } from '~/lib/i18n';
import { useExportsT } from '~/lib/i18n-exports';

export const meta: MetaFunction = () => [{ title: 'Exports — Alforis CRM' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireActorDeps(request, context);
  return null;
}

interface Job {
  id: string;
  entity: string;
  format: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'expired';
  progress: number;
  processedRows: number;
  totalRows: number;
  fileName: string;
  error: string | null;
  expiresAt: string;
  downloadUrl: string | null;
}

/** The caller's background exports, polled while one is still running. */
export default function ExportJobsPage() {
  const t = useExportsT();
  const locale = useLocale();
  const [jobs, setJobs] = useState<Job[] | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const response = await fetch('/api/v1/exports/jobs', { credentials: 'same-origin' });
      if (!response.ok || stopped) return;
      const body = (await response.json()) as { data: Job[] };
      setJobs(body.data);
      if (body.data.some((job) => job.status === 'queued' || job.status === 'running')) {
        timer = setTimeout(load, 2_000);
      }
    };
    void load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  const when = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  return (
    <div className="page">
      <header className="page-header page-header--compact">
        <h1>{t('exports.jobs.title')}</h1>
        <p className="lead">{t('exports.jobs.lead')}</p>
      </header>
      {jobs === null ? (
        <p role="status">{t('exports.jobs.loading')}</p>
      ) : jobs.length === 0 ? (
        <p className="empty-state">{t('exports.jobs.empty')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('exports.jobs.file')}</th>
              <th scope="col">{t('exports.jobs.status')}</th>
              <th scope="col">{t('exports.jobs.progress')}</th>
              <th scope="col">{t('exports.jobs.expires')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('exports.jobs.download')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id}>
                <td>{job.fileName}</td>
                <td title={job.error ?? undefined}>{t(`exports.status.${job.status}`)}</td>
                <td>
                  <progress max={1} value={job.progress} aria-label={job.fileName} />{' '}
                  {job.processedRows.toLocaleString(locale)} / {job.totalRows.toLocaleString(locale)}
                </td>
                <td>{when(job.expiresAt)}</td>
                <td>
                  {job.downloadUrl ? (
                    <a className="button button--small" href={job.downloadUrl} download={job.fileName}>
                      {t('exports.jobs.download')}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
