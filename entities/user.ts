import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { ConnectionHealth } from './crm-connection';
import { tenantFilter } from './tenant-scope';

export type UserRole = 'admin' | 'member';

/** A Slack user of one tenant: a rep, or an admin who can change the tenant's settings. */
export class User {
  id: string = randomUUID();
  tenantId!: string;
  slackUserId!: string;
  role: UserRole = 'member';
  email?: string | null;
  /** IANA zone from Slack's users.info; dates for events, tasks and the card are computed in it. */
  timeZone: string = 'UTC';
  /** Slack's locale (users.info), e.g. `it-IT`: the language of the card. */
  locale?: string | null;
  /** The rep's name in Slack (users.info); drafts are signed with it. */
  fullName?: string | null;
  /** When zone, locale and name were last read from Slack; read again once a day old. */
  profileRefreshedAt?: Date | null;
  preferences: Record<string, unknown> = {};
  fathomSecretRef?: string | null;
  /** The rep's webhook at Fathom, deleted there when the workspace removes the app. */
  fathomWebhookId?: string | null;
  googleSecretRef?: string | null;
  /** What the last call to Google said about the grant (App Home shows it), as for a CRM connection. */
  googleHealth: ConnectionHealth = 'ok';
  googleLastError?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'app_user',
  filters: tenantFilter(),
  uniques: [{ properties: ['tenantId', 'slackUserId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', index: true },
    slackUserId: { type: 'string', length: 32 },
    role: { type: 'string', length: 16 },
    email: { type: 'string', length: 320, nullable: true },
    timeZone: { type: 'string', length: 64 },
    locale: { type: 'string', length: 16, nullable: true },
    fullName: { type: 'string', length: 255, nullable: true },
    profileRefreshedAt: { type: 'datetime', nullable: true },
    preferences: { type: 'json' },
    fathomSecretRef: { type: 'string', length: 512, nullable: true },
    fathomWebhookId: { type: 'string', length: 64, nullable: true },
    googleSecretRef: { type: 'string', length: 512, nullable: true },
    googleHealth: { type: 'string', length: 32 },
    googleLastError: { type: 'text', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
