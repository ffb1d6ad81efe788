import { isNull, or, type SQL, sql } from 'drizzle-orm';
import { affiliations } from '../../db/schema';

/** Today as an ISO date in UTC, the calendar the database compares against (see isCurrentAffiliation). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Current: no end date, or one in the future. An affiliation ending today is history. */
export function isCurrent(endDate: string | null, today: string = todayUtc()): boolean {
  return endDate === null || endDate > today;
}

/** The SQL twin of {@link isCurrent}, on the UTC calendar whatever the session time zone. */
export function isCurrentAffiliation(): SQL {
  return or(
    isNull(affiliations.endDate),
    sql`${affiliations.endDate} > (now() at time zone 'utc')::date`,
  ) as SQL;
}
