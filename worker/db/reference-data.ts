import { isNull } from 'drizzle-orm';
import { installIdentityDefaults } from '../modules/identity/defaults';
import type { Database } from './client';
import { pipelineStages } from './schema';

/** The pipeline a new installation starts with; Admins edit it afterwards. */
export const DEFAULT_PIPELINE = [
  { name: 'Prospect', color: '#8a94a6' },
  { name: 'Qualification', color: '#4f7cac' },
  { name: 'Due diligence', color: '#366092' },
  { name: 'Proposition', color: '#6b5ca5' },
  { name: 'Négociation', color: '#b7791f' },
  { name: 'Gagné', color: '#2f855a', isWon: true },
  { name: 'Perdu', color: '#c53030', isLost: true },
] as const;

/**
 * Reference data the app cannot run without, installed by `npm run db:migrate`
 * after the schema migrations. Idempotent, and never overwrites Admins' edits.
 */
export async function installReferenceData(db: Database): Promise<void> {
  await installIdentityDefaults(db);
  const existing = await db
    .select({ id: pipelineStages.id })
    .from(pipelineStages)
    .where(isNull(pipelineStages.deletedAt))
    .limit(1);
  if (existing.length === 0) {
    await db.insert(pipelineStages).values(
      DEFAULT_PIPELINE.map((stage, position) => ({
        name: stage.name,
        color: stage.color,
        position,
        isWon: 'isWon' in stage,
        isLost: 'isLost' in stage,
      })),
    );
  }
}
