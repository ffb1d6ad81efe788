import { z } from '@hono/zod-openapi';
import { ACTIONS, RESOURCES, ROLE_IDS } from './permissions';

export const emailSchema = z
  .email()
  .max(254)
  .transform((value) => value.trim().toLowerCase())
  .openapi({ example: 'manager@alforis.test' });

/** NIST 800-63B: length over composition rules; 10 minimum, 200 maximum (PBKDF2 cost is per byte). */
export const newPasswordSchema = z.string().min(10, 'At least 10 characters').max(200);

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    roleId: z.enum(ROLE_IDS),
    teamId: z.uuid().nullable(),
    locale: z.string(),
    theme: z.string(),
    active: z.boolean(),
    lastLoginAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');

export const meSchema = userSchema
  .extend({
    permissions: z.array(z.string()).openapi({ example: ['organisations:read', 'tasks:create'] }),
    scope: z.enum(['own', 'team', 'all']),
    via: z.enum(['session', 'api-token']),
  })
  .openapi('Me');

export const loginBodySchema = z
  .object({
    email: emailSchema,
    password: z.string().min(1).max(200).openapi({ example: 'alforis-demo' }),
  })
  .openapi('LoginRequest');

export const loginResponseSchema = z
  .object({
    token: z.string().openapi({ description: 'Session token; send as `Authorization: Bearer <token>`' }),
    expiresAt: z.iso.datetime(),
    user: userSchema,
  })
  .openapi('LoginResponse');

export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: newPasswordSchema })
  .openapi('ChangePasswordRequest');

export const permissionSchema = z
  .string()
  .regex(new RegExp(`^(${RESOURCES.join('|')}):(${ACTIONS.join('|')})$`), 'Unknown permission')
  .openapi({ example: 'organisations:read' });
