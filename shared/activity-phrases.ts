/**
 * Activity entries that the UI can say in the user's language: each has a key and string
 * parameters; the English text here is what the log file, the export and the CLI show. The
 * renderer shows these same English texts under `activityLog.*` (en.ts spreads them), and every
 * other language has the same keys.
 */
export const phrases = {
  signedIn: 'Signed in as {{email}} on {{platform}}.',
  signedInSandbox: 'Signed in as {{email}} on the local Sandbox.',
  keyEntered: 'The API key of {{label}} was entered again.',
  keyStoreFile: 'API keys are now kept in a file encrypted with your passphrase.',
  keyStoreMemory: 'API keys are now kept in memory only, until Courier stops.',
  keyStoreKeychain: 'API keys are now kept in the system keychain.',
  keyStoreUnlocked: 'The key file was opened with its passphrase.',
  switched: 'Switched to {{label}}.',
  signedOut: 'Signed out of {{label}}; its key was deleted from the key store.',
  uploadDone: 'Uploaded {{name}}.',
  downloadDone: 'Downloaded {{name}}.',
  uploadFailed: 'The upload of {{name}} failed: {{reason}}',
  downloadFailed: 'The download of {{name}} failed: {{reason}}',
  uploadCancelled: 'The upload of {{name}} was cancelled.',
  downloadCancelled: 'The download of {{name}} was cancelled.',
  offline: 'Offline: Rescale cannot be reached ({{reason}}). Queued work waits for the connection.',
  online: 'Back online: queued work is going out.',
  outboxSent: 'Sent "{{jobName}}" to the platform as job {{jobId}}.',
  outboxFailed: 'Could not send "{{jobName}}": {{reason}}',
  outboxUnreadable: 'The outbox could not read its queue: {{reason}}',
  archiveCleanupFailed: 'Courier could not clean up packed job inputs: {{reason}}',
  submissionWaits: 'Submission "{{jobName}}" waits: {{reason}}',
  submissionRetry: 'Submission "{{jobName}}" hit a problem and will be retried: {{reason}}',
  submissionFailed: 'Submission "{{jobName}}" failed: {{reason}}',
  jobFoundAfterLoss: 'Job "{{jobName}}" had been created before the answer was lost ({{jobId}}); it was not created again.',
  jobCreated: 'Created job "{{jobName}}" ({{jobId}}).',
  duplicateDeleted: 'Deleted job {{twin}}, an unsubmitted duplicate of {{jobId}} left by a lost answer.',
  submittedBeforeLoss: 'Job {{jobId}} had been submitted before the answer was lost; it was not submitted again.',
  jobSubmitted: 'Submitted job "{{jobName}}" ({{jobId}}).',
  jobGone: 'Job {{jobId}} no longer exists on the platform; Courier stopped watching it.',
  announceFailed: 'Could not announce job {{jobId}}: {{reason}}',
  sweepRowStopFailed: 'Could not stop job {{jobId}} (row {{row}} of sweep {{sweep}}): {{reason}}. Stop it from the Jobs view.',
  outputsProblem: 'Outputs of job {{jobId}}: {{reason}}',
  outputDownloaded: 'Downloaded {{count}} output file of job {{jobId}} to {{dir}}.',
  outputsDownloaded: 'Downloaded {{count}} output files of job {{jobId}} to {{dir}}.',
  outputsFailed: 'Outputs of job {{jobId}} could not be downloaded: {{reason}}',
  outputOutside: '{{count}} output file of job {{jobId}} would land outside {{dir}} and was not downloaded: {{names}}.',
  outputsOutside: '{{count}} output files of job {{jobId}} would land outside {{dir}} and were not downloaded: {{names}}.',
  outputAlreadyThere: '{{count}} output file was already in {{dir}} (same size and SHA-512), so not downloaded again.',
  outputsAlreadyThere: '{{count}} output files were already in {{dir}} (same size and SHA-512), so not downloaded again.',
  templateUnreadable: 'A saved template could not be read ({{reason}}); it was kept in {{file}}.',
  jobQueued: 'Queued "{{jobName}}" from the template "{{template}}".',
  jobQueuedOffline: 'Queued "{{jobName}}" from the template "{{template}}" (offline: it goes out when the connection is back).',
  following: 'Following job {{jobId}} ("{{name}}").',
  stopAsked: 'Asked the platform to stop job {{jobId}}.',
  sweepStopFailed: 'Job {{jobId}} of a stopped sweep went out as it was stopped, and could not be stopped: {{reason}}. Stop it yourself.',
  queuedCancelled: 'Cancelled the queued job "{{jobName}}".',
  fileDeleted: 'Deleted {{count}} file from Rescale.',
  filesDeleted: 'Deleted {{count}} files from Rescale.',
  settingsNotMigrated: 'Settings could not be migrated ({{reason}}); defaults are used and the old file was kept as a backup.',
  settingsInvalid: 'Settings had an invalid value ({{reason}}); defaults are used and the old file was kept as a backup.',
  settingsUpdated: 'Settings were updated from version {{from}} to {{to}}.',
  systemProxyFallback:
    'The system proxy for {{origin}} {{why}}; using the HTTP(S)_PROXY variables instead. Set an explicit HTTP proxy in Settings → Network if connections fail.',
  networkNotApplied: 'Network settings not applied to transfers: {{reason}}',
};

export type PhraseKey = keyof typeof phrases;
export interface Phrase {
  key: PhraseKey;
  params: Record<string, string>;
}

export function phraseText(p: Phrase): string {
  return phrases[p.key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => p.params[name] ?? '');
}
