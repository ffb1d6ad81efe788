import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS_DOC, renderPermissionsDoc } from '../../scripts/permissions-doc';
import { ALL_PERMISSIONS, DEFAULT_GRANTS } from '../../worker/modules/identity/permissions';

describe('docs/permissions.md', () => {
  it('is generated from the default grants and up to date (npm run docs:permissions)', () => {
    expect(readFileSync(PERMISSIONS_DOC, 'utf8')).toBe(renderPermissionsDoc());
  });

  it('describes 84 permissions (12 resources × 7 actions), and each lower role holds a subset of the role above', () => {
    expect(ALL_PERMISSIONS).toHaveLength(84);
    expect(DEFAULT_GRANTS.admin).toHaveLength(84);
    const subset = (a: string[], b: string[]) => a.every((permission) => b.includes(permission));
    expect(subset(DEFAULT_GRANTS.viewer, DEFAULT_GRANTS.user)).toBe(true);
    expect(subset(DEFAULT_GRANTS.user, DEFAULT_GRANTS.manager)).toBe(true);
    expect(subset(DEFAULT_GRANTS.manager, DEFAULT_GRANTS.admin)).toBe(true);
  });
});
