// The single workflowsPath of the worker: every workflow type the worker runs.
export { meetingFollowUp } from './meeting-follow-up';
