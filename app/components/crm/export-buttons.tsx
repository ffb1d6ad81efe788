import { Link, useLocation } from '@remix-run/react';
import { useState } from 'react';
import { useExportsT } from '~/lib/i18n-exports';

type Entity = 'organisations' | 'people' | 'mandates';
type Format = 'csv' | 'excel' | 'pdf';

/** List-page parameters that are not export filters, and the UI names the API spells differently. */
const DROPPED = new Set(['cursor', 'prev', 'limit', 'view', 'index']);
const RENAMED: Record<string, string> = { stage: 'stageId' };

export function exportUrl(entity: Entity, format: Format, search: string, locale?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(search)) {
    if (DROPPED.has(key) || value === '') continue;
    params.set(RENAMED[key] ?? key, value);
  }
  if (format === 'csv' && locale === 'fr') params.set('delimiter', ';');
  const query = params.toString();
  return `/api/v1/exports/${entity}/${format}${query ? `?${query}` : ''}`;
}

function fileNameOf(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallback;
}

/**
 * CSV / Excel / PDF of the list as currently filtered. Small exports download
 * at once; large ones come back as a background job (202): we then point to
 * the jobs page. Without JavaScript the links still download (or show the job).
 */
export function ExportButtons({ entity }: { entity: Entity }) {
  const t = useExportsT();
  const location = useLocation();
  const locale = typeof document === 'undefined' ? undefined : document.documentElement.lang;
  const [state, setState] = useState<'idle' | 'working' | 'queued' | 'failed'>('idle');

  async function download(event: React.MouseEvent<HTMLAnchorElement>, format: Format) {
    event.preventDefault();
    setState('working');
    try {
      const response = await fetch(event.currentTarget.href, { credentials: 'same-origin' });
      if (response.status === 202) {
        setState('queued');
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = fileNameOf(response, `${entity}.${format === 'excel' ? 'xlsx' : format}`);
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setState('idle');
    } catch {
      setState('failed');
    }
  }

  return (
    <fieldset className="export-buttons" aria-label={t('exports.label')}>
      {(['csv', 'excel', 'pdf'] as const).map((format) => (
        <a
          key={format}
          className="button button--secondary button--small"
          href={exportUrl(entity, format, location.search, locale)}
          title={t(`exports.${format}Title`)}
          aria-disabled={state === 'working'}
          onClick={(event) => download(event, format)}
        >
          {t(`exports.${format}`)}
        </a>
      ))}
      <span role="status" aria-live="polite" className="export-buttons__status">
        {state === 'working' ? t('exports.working') : null}
        {state === 'failed' ? t('exports.failed') : null}
        {state === 'queued' ? (
          <>
            {t('exports.queued')} <Link to="/exports">{t('exports.seeJobs')}</Link>
          </>
        ) : null}
      </span>
    </fieldset>
  );
}

/** The mandate sheet as a PDF. */
export function MandatePdfButton({ id }: { id: string }) {
  const t = useExportsT();
  return (
    <a
      className="button button--secondary button--small"
      href={`/api/v1/exports/mandates/${id}/pdf`}
      download
    >
      {t('exports.mandatePdf')}
    </a>
  );
}
