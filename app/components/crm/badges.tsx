import type { CSSProperties } from 'react';
import type { MandateStatus, OrganisationStatus, TaskPriority, TaskStatus } from '~/lib/crm.constants';
import { useCrmT } from '~/lib/i18n-crm';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Pill({ tone, children }: { tone: Tone; children: string }) {
  return <span className={`pill pill--${tone}`}>{children}</span>;
}

/** A pipeline stage: its name with the stage's colour as a dot (the text keeps the theme's contrast). */
export function StageBadge({ name, color }: { name: string; color?: string | null }) {
  const style = color ? ({ '--stage-color': color } as CSSProperties) : undefined;
  return (
    <span className="stage-badge" style={style}>
      {name}
    </span>
  );
}

const ORGANISATION_TONES: Record<OrganisationStatus, Tone> = {
  prospect: 'info',
  active: 'success',
  dormant: 'warning',
  closed: 'neutral',
};

export function OrganisationStatusPill({ status }: { status: OrganisationStatus }) {
  const t = useCrmT();
  return <Pill tone={ORGANISATION_TONES[status]}>{t(`orgStatus.${status}`)}</Pill>;
}

const MANDATE_TONES: Record<MandateStatus, Tone> = {
  draft: 'neutral',
  proposed: 'info',
  signed: 'success',
  active: 'success',
  terminated: 'danger',
  expired: 'warning',
};

export function MandateStatusPill({ status }: { status: MandateStatus }) {
  const t = useCrmT();
  return <Pill tone={MANDATE_TONES[status]}>{t(`mandateStatus.${status}`)}</Pill>;
}

const PRIORITY_TONES: Record<TaskPriority, Tone> = {
  low: 'neutral',
  normal: 'info',
  high: 'warning',
  urgent: 'danger',
};

export function PriorityPill({ priority }: { priority: TaskPriority }) {
  const t = useCrmT();
  return <Pill tone={PRIORITY_TONES[priority]}>{t(`taskPriority.${priority}`)}</Pill>;
}

const TASK_TONES: Record<TaskStatus, Tone> = {
  todo: 'info',
  in_progress: 'warning',
  done: 'success',
  cancelled: 'neutral',
};

export function TaskStatusPill({ status }: { status: TaskStatus }) {
  const t = useCrmT();
  return <Pill tone={TASK_TONES[status]}>{t(`taskStatus.${status}`)}</Pill>;
}
