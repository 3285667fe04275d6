// Where an Azure account's blobs are served: the real blob service of the storage account named
// in the storage record, or (sandbox only) a loopback endpoint that the platform setup gives.
import { CourierError } from '../../../shared/errors';
import type { ResolvedPlatform } from '../platforms';
import type { StorageRef } from '../transfer/ports';

export function isAzure(storage: Pick<StorageRef, 'storageType'>): boolean {
  return storage.storageType === 'AzureStorage';
}

function isLoopbackUrl(raw: string | undefined): raw is string {
  if (!raw) return false;
  try {
    const u = new URL(raw);
    return (u.protocol === 'http:' || u.protocol === 'https:') && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
  } catch {
    return false;
  }
}

/**
 * The blob service URL (account included, no trailing slash). An endpoint named in a record is
 * taken only from a platform that is itself on this machine and only if it is loopback too (the
 * sandbox reached by URL): a real platform's records never redirect where files go.
 */
export function azureEndpointFor(platform: ResolvedPlatform, settings: Record<string, string | undefined>): string {
  if (platform.azureBlobEndpoint) return platform.azureBlobEndpoint.replace(/\/+$/, '');
  if (isLoopbackUrl(platform.apiUrl) && isLoopbackUrl(settings.endpoint)) return settings.endpoint.replace(/\/+$/, '');
  const account = settings.accountName || settings.storageAccount;
  if (!account || !/^[a-z0-9]{3,24}$/.test(account)) {
    throw new CourierError(
      'server_error',
      `Your Azure storage settings name no valid storage account (${JSON.stringify(account ?? '').slice(0, 40)}), so files cannot be transferred. Contact Rescale support.`,
    );
  }
  return `https://${account}.blob.core.windows.net`;
}
