// The single workflowsPath of the worker: every workflow type the worker runs.
export { meetingFollowUp } from './meeting-follow-up';
export { offboardTenant } from './offboard-tenant';
export { purgeExpiredTranscripts } from './purge-expired-transcripts';
export { deleteTenant } from './delete-tenant';
