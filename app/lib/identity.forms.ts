import { z } from 'zod';
import { isPermission, type Permission, ROLE_IDS } from '../../worker/modules/identity/permissions';
import { THEMES } from './theme';

/**
 * The identity forms, validated in the browser (before submitting) and again,
 * mandatorily, in the actions. Messages are i18n keys (app/lib/i18n.ts); the
 * services validate once more with their own rules.
 */

const required = { error: 'errors.required' } as const;

const text = (max = 200) => z.string(required).trim().min(1, 'errors.required').max(max, 'errors.tooLong');

const email = z
  .string(required)
  .trim()
  .min(1, 'errors.required')
  .max(254, 'errors.tooLong')
  .pipe(z.email('errors.email'))
  .transform((value) => value.toLowerCase());

const newPassword = z.string(required).min(10, 'errors.passwordLength').max(200, 'errors.passwordTooLong');

/** An optional select: the empty option means "none". */
const optionalId = z
  .string()
  .optional()
  .transform((value) => (value ? value : null))
  .pipe(z.uuid('errors.invalidChoice').nullable());

const roleId = z.enum(ROLE_IDS, 'errors.invalidChoice');

export const loginForm = z.object({
  email,
  password: z.string(required).min(1, 'errors.required').max(200, 'errors.tooLong'),
  redirectTo: z.string().max(2_048).optional(),
});

export const profileForm = z.object({
  name: text(),
  locale: z.enum(['fr', 'en'], 'errors.invalidChoice'),
  theme: z.enum(THEMES, 'errors.invalidChoice'),
});

export const passwordForm = z
  .object({
    currentPassword: z.string(required).min(1, 'errors.required').max(200, 'errors.tooLong'),
    newPassword,
    confirmPassword: z.string(required).min(1, 'errors.required'),
  })
  .refine((value) => value.newPassword === value.confirmPassword, {
    path: ['confirmPassword'],
    message: 'errors.passwordMismatch',
  });

export const createUserForm = z.object({
  email,
  name: text(),
  roleId,
  teamId: optionalId,
  password: z
    .string()
    .optional()
    .transform((value) => (value ? value : undefined))
    .pipe(newPassword.optional()),
});

export const updateUserForm = z.object({
  id: z.uuid('errors.invalidChoice'),
  roleId,
  teamId: optionalId,
});

/** Forms about one record (deactivate, delete, revoke): its id. */
export const idForm = z.object({ id: z.uuid('errors.invalidChoice') });

export const teamForm = z.object({
  name: text(),
  managerId: optionalId,
});

export const updateTeamForm = teamForm.extend({ id: z.uuid('errors.invalidChoice') });

const permission = z.custom<Permission>(
  (value) => typeof value === 'string' && isPermission(value),
  'errors.invalidChoice',
);

export const createTokenForm = z.object({
  name: text(100),
  expiresInDays: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? Number(value.trim()) : null))
    .pipe(
      z.number('errors.days').int('errors.days').min(1, 'errors.days').max(3650, 'errors.days').nullable(),
    ),
  scopes: z.array(permission).min(1, 'errors.scopes'),
});

export const rolePermissionsForm = z.object({
  roleId,
  permissions: z.array(permission),
});
