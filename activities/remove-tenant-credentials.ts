import { setTimeout as delay } from 'node:timers/promises';
import type { CrmCredentials } from '../clients/crm/crm-provider';
import type { GoogleTokens } from '../clients/google-workspace';
import type { MeetingSourceCredentials } from '../clients/meeting-source';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { ExternalServiceError } from '../domain/service-errors';
import { CrmConnection, Tenant, User } from '../entities';
import { secretNames } from '../secrets/secret-store';
import type { RemoveTenantCredentialsInput, RemoveTenantCredentialsResult } from '../workflows/offboard-tenant-types';
import type { ActivityDependencies, RevocationOutcome } from './dependencies';
import { whileHeartbeating } from './heartbeat';

/** A provider that fails to revoke is asked again a few times; then offboarding goes on without it. */
const revocationAttempts = 3;
const revocationBackoffMs = 1_000;

/**
 * After an uninstall: revokes each CRM and Google grant of the tenant at its provider, deletes
 * the reps' webhooks at Fathom, then deletes every credential (CRM connections, reps' Google tokens, Fathom keys and webhook
 * secrets) and the rows pointing to them. Each credential is revoked, deleted, then unlinked, so a
 * repeated run picks up where the last stopped and finds nothing left to do at the end. Does
 * nothing if the workspace installed the app again meanwhile: its connections are then new ones.
 */
export function removeTenantCredentialsActivity(deps: ActivityDependencies) {
  return async function removeTenantCredentials(input: RemoveTenantCredentialsInput): Promise<RemoveTenantCredentialsResult> {
    return whileHeartbeating(async () => {
      const { tenantId } = input;
      const found = await inTenant(deps.orm, tenantId, async (em) => ({
        status: (await em.findOne(Tenant, { id: tenantId }))?.status,
        connections: await em.find(CrmConnection, {}),
        users: await em.find(User, { $or: [{ googleSecretRef: { $ne: null } }, { fathomSecretRef: { $ne: null } }] }),
      }));
      const result: RemoveTenantCredentialsResult = { removed: 0, revocationFailures: 0 };
      if (found.status !== 'inactive') return result;
      const audit = (action: string, target: string, outcome: 'success' | 'failure', detail: Record<string, unknown> = {}) =>
        inTenant(deps.orm, tenantId, async (em) => {
          appendAudit(em, { tenantId, actor: 'system', action, target, result: outcome, detail, workflowId: input.workflowId });
        });

      /** Revokes (if the secret is still there), deletes the secret, then runs `unlink` and audits. */
      async function remove(target: string, secretRef: string, revoke: ((value: string) => Promise<RevocationOutcome>) | undefined, unlink: () => Promise<void>) {
        const value = await deps.secrets.get(secretRef);
        if (value !== null && revoke) {
          const revocation = await revokeWithRetries(() => revoke(value));
          if (revocation.ok) await audit('credential.revoked', target, 'success', { outcome: revocation.outcome });
          else {
            result.revocationFailures += 1;
            await audit('credential.revoke-failed', target, 'failure', { attempts: revocationAttempts, error: revocation.error });
          }
        }
        await deps.secrets.delete(secretRef);
        await unlink();
        result.removed += 1;
      }

      for (const connection of found.connections) {
        const target = `crm:${connection.provider}`;
        await remove(
          target,
          connection.secretRef,
          (value) => deps.grantRevocation.crm(connection.provider, JSON.parse(value) as CrmCredentials, connection.settings),
          () =>
            inTenant(deps.orm, tenantId, async (em) => {
              await em.nativeDelete(CrmConnection, { tenantId, id: connection.id });
              const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
              tenant.settings = { ...tenant.settings, defaultCrm: undefined };
              appendAudit(em, { tenantId, actor: 'system', action: 'credential.deleted', target, result: 'success', workflowId: input.workflowId });
            }),
        );
      }
      for (const user of found.users) {
        if (user.googleSecretRef) {
          const target = `google:${user.slackUserId}`;
          await remove(target, user.googleSecretRef, (value) => deps.grantRevocation.google(JSON.parse(value) as GoogleTokens), () => unlinkUser(user.id, 'googleSecretRef', target));
        }
        if (user.fathomSecretRef) {
          // Fathom API keys cannot be revoked by the app; deleting the webhook stops the recordings coming.
          const target = `fathom:${user.slackUserId}`;
          const webhookId = user.fathomWebhookId;
          const deleteWebhook = webhookId
            ? async (value: string) => {
                const outcome = await deps.grantRevocation.fathomWebhook(JSON.parse(value) as MeetingSourceCredentials, webhookId);
                return outcome === 'deleted' ? 'revoked' : 'already-invalid';
              }
            : undefined;
          await deps.secrets.delete(secretNames.fathomWebhookSecret(tenantId, user.id));
          await remove(target, user.fathomSecretRef, deleteWebhook, () => unlinkUser(user.id, 'fathomSecretRef', target));
        }
      }
      return result;

      function unlinkUser(userId: string, field: 'googleSecretRef' | 'fathomSecretRef', target: string): Promise<void> {
        return inTenant(deps.orm, tenantId, async (em) => {
          await em.nativeUpdate(User, { tenantId, id: userId }, field === 'fathomSecretRef' ? { fathomSecretRef: null, fathomWebhookId: null } : { googleSecretRef: null });
          appendAudit(em, { tenantId, actor: 'system', action: 'credential.deleted', target, result: 'success', workflowId: input.workflowId });
        });
      }
    });
  };
}

type Revocation = { ok: true; outcome: RevocationOutcome } | { ok: false; error: string };

/** Retries what may pass later (outages, rate limits); a refusal or an unreadable secret is final at once. Never throws. */
async function revokeWithRetries(revoke: () => Promise<RevocationOutcome>): Promise<Revocation> {
  let lastError = '';
  for (let attempt = 1; attempt <= revocationAttempts; attempt += 1) {
    try {
      return { ok: true, outcome: await revoke() };
    } catch (error) {
      // The classified detail (status, error code) only: never the token or the raw answer.
      if (!(error instanceof ExternalServiceError)) return { ok: false, error: `unreadable credentials (${error instanceof Error ? error.name : 'unknown'})` };
      lastError = `${error.kind}: ${error.detail ?? error.message}`;
      if (error.kind !== 'retryable') break;
      if (attempt < revocationAttempts) await delay(revocationBackoffMs * 2 ** (attempt - 1));
    }
  }
  return { ok: false, error: lastError };
}
