/**
 * The offboarding workflow's inputs and outputs, shared with its activities and the API.
 * Dependency-free, like meeting-types.ts, so the workflow bundle can import it.
 */
export type OffboardReason = 'app_uninstalled' | 'tokens_revoked';

export interface OffboardTenantInput {
  tenantId: string;
  reason: OffboardReason;
  /** When Slack says the app was removed (ISO 8601). An install after this moment wins. */
  uninstalledAt: string;
}

export interface OffboardTenantResult {
  /** False when the tenant was installed again after the uninstall (or no longer exists). */
  deactivated: boolean;
  /** Cancel signals sent to running meeting workflows, over both passes. */
  cancelSignalsSent: number;
}

export interface DeactivateTenantInput extends OffboardTenantInput {
  workflowId: string;
}

export interface CloseTenantMeetingsInput {
  tenantId: string;
  /** Shown on each closed meeting's card and kept in its history. */
  reason: string;
  workflowId: string;
}

export function offboardWorkflowId(tenantId: string): string {
  return `offboard:${tenantId}`;
}

export interface RemoveTenantCredentialsInput {
  tenantId: string;
  workflowId: string;
}

export interface RemoveTenantCredentialsResult {
  /** Credentials deleted from the secret store (CRM connections, reps' Google and Fathom). */
  removed: number;
  /** Grants the provider could not revoke after a few tries; each one is in the audit log. */
  revocationFailures: number;
}
