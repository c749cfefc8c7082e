/** What an action activity reports back to the workflow: ids and a link, never content. */
export interface ActionResult {
  externalId: string;
  url?: string;
  /** Shown on the card, e.g. "Note on Acme Inc". */
  label: string;
}

/** The key every external write carries, so a retried attempt finds what an earlier one made. */
export function idempotencyKey(workflowId: string, action: string): string {
  return `${workflowId}:${action}`;
}
