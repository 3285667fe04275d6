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
};

export type PhraseKey = keyof typeof phrases;
export interface Phrase {
  key: PhraseKey;
  params: Record<string, string>;
}

export function phraseText(p: Phrase): string {
  return phrases[p.key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => p.params[name] ?? '');
}
