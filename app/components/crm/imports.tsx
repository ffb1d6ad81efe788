import { Link, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { useImportT } from '~/lib/i18n-imports';
import type { IMPORT_ENTITIES as API_ENTITIES } from '../../../worker/modules/imports/imports.fields';
import { Pill, type Tone } from './badges';

// The API's enumerations, restated for browser code (imports.schemas.ts builds OpenAPI metadata).
export const IMPORT_ENTITIES = ['organisations', 'people'] as const satisfies typeof API_ENTITIES;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'completed' | 'failed';
export type RowAction = 'create' | 'update' | 'unchanged' | 'reject';
export const ROW_ACTIONS: readonly RowAction[] = ['create', 'update', 'unchanged', 'reject'];

const STATUS_TONES: Record<ImportStatus, Tone> = {
  uploaded: 'info',
  queued: 'neutral',
  running: 'warning',
  completed: 'success',
  failed: 'danger',
};

export function ImportStatusPill({ status }: { status: ImportStatus }) {
  const it = useImportT();
  return <Pill tone={STATUS_TONES[status]}>{it(`imports.status.${status}`)}</Pill>;
}

const ACTION_TONES: Record<RowAction, Tone> = {
  create: 'success',
  update: 'info',
  unchanged: 'neutral',
  reject: 'danger',
};

export function RowActionPill({ action }: { action: RowAction }) {
  const it = useImportT();
  return <Pill tone={ACTION_TONES[action]}>{it(`import.action.${action}`)}</Pill>;
}

/**
 * Reloads the page's data every `everyMs` while `active` and the tab is
 * visible: the job's progress is a row the consumer updates every 100 rows.
 */
export function usePolling(active: boolean, everyMs = 1500) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible' && revalidator.state === 'idle') revalidator.revalidate();
    }, everyMs);
    return () => window.clearInterval(timer);
  }, [active, everyMs, revalidator]);
}

/** A labelled progress bar; its text is what screen readers announce. */
export function ImportProgress({ processed, total }: { processed: number; total: number }) {
  const it = useImportT();
  const label = it('import.progressValue', { processed, total });
  return (
    <div className="import-progress">
      <progress
        className="import-progress__bar"
        max={Math.max(total, 1)}
        value={processed}
        aria-label={label}
      >
        {label}
      </progress>
      <p className="import-progress__label" role="status">
        {label}
      </p>
    </div>
  );
}

/** Counters as a row of figures (totals of the dry run, results of the import). */
export function Figures({
  items,
  label,
}: {
  items: { label: string; value: number; tone?: Tone }[];
  label: string;
}) {
  return (
    <dl className="figures" aria-label={label}>
      {items.map((item) => (
        <div key={item.label} className={`figures__item${item.tone ? ` figures__item--${item.tone}` : ''}`}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "Importer" on a list page: opens the import page with the list's entity chosen. */
export function ImportLink({ entity }: { entity: 'organisations' | 'people' }) {
  const it = useImportT();
  return (
    <Link
      to={`/imports?entity=${entity}`}
      className="button button--secondary"
      aria-label={it('imports.openLabel')}
    >
      ↑ {it('imports.open')}
    </Link>
  );
}
