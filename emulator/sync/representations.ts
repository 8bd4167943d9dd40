import { absoluteUrl, iso } from '../representations';
import type { DocumentRecord, SyncServiceRecord } from './model';

/** Sync resources as sync.twilio.com answers them (twilio_sync_v1.json). */

const serviceUrl = (serviceSid: string) => absoluteUrl('sync', `/v1/Services/${serviceSid}`);

export function syncServiceJson(accountSid: string, service: SyncServiceRecord): Record<string, unknown> {
  const url = serviceUrl(service.sid);
  return {
    sid: service.sid,
    unique_name: service.uniqueName,
    account_sid: accountSid,
    friendly_name: service.friendlyName,
    date_created: iso(service.createdAt),
    date_updated: iso(service.updatedAt),
    url,
    webhook_url: service.webhookUrl,
    webhooks_from_rest_enabled: service.webhooksFromRestEnabled,
    reachability_webhooks_enabled: service.reachabilityWebhooksEnabled,
    acl_enabled: service.aclEnabled,
    reachability_debouncing_enabled: service.reachabilityDebouncingEnabled,
    reachability_debouncing_window: service.reachabilityDebouncingWindow,
    links: { documents: `${url}/Documents`, lists: `${url}/Lists`, maps: `${url}/Maps`, streams: `${url}/Streams` },
  };
}

export function documentJson(accountSid: string, document: DocumentRecord): Record<string, unknown> {
  const url = `${serviceUrl(document.serviceSid)}/Documents/${document.sid}`;
  return {
    sid: document.sid,
    unique_name: document.uniqueName,
    account_sid: accountSid,
    service_sid: document.serviceSid,
    url,
    links: { permissions: `${url}/Permissions` },
    revision: document.revision,
    data: document.data,
    date_expires: document.expiresAt === null ? null : iso(document.expiresAt),
    date_created: iso(document.createdAt),
    date_updated: iso(document.updatedAt),
    created_by: document.createdBy,
  };
}

/** Every answer carrying a Document carries its revision as an ETag, which If-Match may name. */
export const documentEtag = (document: DocumentRecord) => `"${document.revision}"`;
