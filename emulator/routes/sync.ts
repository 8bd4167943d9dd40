import { page } from '../paging';
import type { Store } from '../store';
import { syncErrors } from '../sync/model';
import { documentEtag, documentJson, syncServiceJson } from '../sync/representations';
import { formBoolean, formInteger, formJsonObject, formString, onlyFields, type ApiRequest, type ApiResult, type ApiRoute } from './route';

const DOCUMENTS = '/v1/Services/:ServiceSid/Documents';
const DOCUMENT = `${DOCUMENTS}/:Sid`;

const SERVICE_FIELDS = [
  'FriendlyName',
  'WebhookUrl',
  'ReachabilityWebhooksEnabled',
  'AclEnabled',
  'ReachabilityDebouncingEnabled',
  'ReachabilityDebouncingWindow',
  'WebhooksFromRestEnabled',
] as const;

/** The Document a request names, by the SID or unique name in its path, as the rate limits count it. */
const namedDocument = ({ params }: ApiRequest, store: Store) => store.sync.objectKey(params.ServiceSid!, params.Sid!);

/** `Data`: a JSON object as a string, as the helper serializes it; anything else is Sync's 54101. */
const documentData = (body: Record<string, unknown>) => formJsonObject(body, 'Data', (why) => syncErrors.invalidData(`Data ${why}`));

/**
 * Twilio Sync (sync.twilio.com): Services and their Documents, as twilio_sync_v1.json describes them. A Service
 * and a Document are addressed by SID or unique name, so their path parameters carry no SID check.
 */
export const syncRoutes: ApiRoute[] = [
  {
    operationId: 'ListService',
    product: 'sync',
    method: 'GET',
    path: '/v1/Services',
    sids: {},
    handle: ({ path, query }, store) => {
      const services = store.sync.services().map((service) => syncServiceJson(store.accountSid, service));
      return { body: page(query, services, { product: 'sync', path, key: 'services' }) };
    },
  },
  {
    operationId: 'CreateService',
    product: 'sync',
    method: 'POST',
    path: '/v1/Services',
    sids: {},
    handle: ({ body }, store) => {
      onlyFields(body, SERVICE_FIELDS);
      const spec = {
        friendlyName: formString(body, 'FriendlyName'),
        webhookUrl: formString(body, 'WebhookUrl'),
        reachabilityDebouncingWindow: formInteger(body, 'ReachabilityDebouncingWindow'),
        webhooksFromRestEnabled: formBoolean(body, 'WebhooksFromRestEnabled'),
        reachabilityWebhooksEnabled: formBoolean(body, 'ReachabilityWebhooksEnabled'),
        aclEnabled: formBoolean(body, 'AclEnabled'),
        reachabilityDebouncingEnabled: formBoolean(body, 'ReachabilityDebouncingEnabled'),
      };
      // What was not sent keeps Twilio's default.
      const service = store.sync.createService(Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)));
      return { status: 201, body: syncServiceJson(store.accountSid, service) };
    },
  },
  {
    operationId: 'FetchService',
    product: 'sync',
    method: 'GET',
    path: '/v1/Services/:Sid',
    sids: {},
    handle: ({ params, path }, store) => ({ body: syncServiceJson(store.accountSid, store.sync.service(params.Sid!, path)) }),
  },
  {
    operationId: 'ListDocument',
    product: 'sync',
    method: 'GET',
    path: DOCUMENTS,
    sids: {},
    handle: ({ params, path, query }, store) => {
      const service = store.sync.service(params.ServiceSid!, path);
      const documents = store.sync.documentsOf(service).map((document) => documentJson(store.accountSid, document));
      return { body: page(query, documents, { product: 'sync', path, key: 'documents' }) };
    },
  },
  {
    operationId: 'CreateDocument',
    product: 'sync',
    method: 'POST',
    path: DOCUMENTS,
    sids: {},
    syncAccess: {
      kind: 'write',
      object: ({ params, body }, store) =>
        typeof body.UniqueName === 'string' ? store.sync.objectKey(params.ServiceSid!, body.UniqueName) : undefined,
    },
    handle: ({ params, path, body }, store) => {
      onlyFields(body, ['UniqueName', 'Data', 'Ttl']);
      const service = store.sync.service(params.ServiceSid!, path);
      const uniqueName = formString(body, 'UniqueName');
      const data = documentData(body);
      const ttlSeconds = formInteger(body, 'Ttl');
      const document = store.sync.createDocument(service, {
        ...(uniqueName !== undefined ? { uniqueName } : {}),
        ...(data !== undefined ? { data } : {}),
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
      });
      return { ...documentAnswer(store, document), status: 201 };
    },
  },
  {
    operationId: 'FetchDocument',
    product: 'sync',
    method: 'GET',
    path: DOCUMENT,
    sids: {},
    syncAccess: { kind: 'read', object: namedDocument },
    handle: ({ params, path }, store) => documentAnswer(store, documentOf(store, params, path)),
  },
  {
    operationId: 'UpdateDocument',
    product: 'sync',
    method: 'POST',
    path: DOCUMENT,
    sids: {},
    syncAccess: { kind: 'write', object: namedDocument },
    handle: ({ params, path, body, headers }, store) => {
      onlyFields(body, ['Data', 'Ttl']);
      const document = documentOf(store, params, path);
      const data = documentData(body);
      const ttlSeconds = formInteger(body, 'Ttl');
      const ifMatch = headers['if-match'];
      const updated = store.sync.updateDocument(document, {
        ...(data !== undefined ? { data } : {}),
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
        ...(ifMatch !== undefined ? { ifMatch } : {}),
      });
      return documentAnswer(store, updated);
    },
  },
  {
    operationId: 'DeleteDocument',
    product: 'sync',
    method: 'DELETE',
    path: DOCUMENT,
    sids: {},
    syncAccess: { kind: 'write', object: namedDocument },
    handle: ({ params, path }, store) => {
      store.sync.deleteDocument(documentOf(store, params, path));
      return { status: 204, body: undefined };
    },
  },
];

function documentOf(store: Store, params: ApiRequest['params'], path: string) {
  return store.sync.document(store.sync.service(params.ServiceSid!, path), params.Sid!, path);
}

function documentAnswer(store: Store, document: Parameters<typeof documentJson>[1]): ApiResult {
  return { body: documentJson(store.accountSid, document), headers: { ETag: documentEtag(document) } };
}
