import { taskEtag, taskJson } from '../representations';
import { ASSIGNMENT_STATUSES, type Store, type TaskRecord } from '../store';
import { errors } from '../twilio-error';
import { formEnum, formInteger, formString, type ApiRoute } from './route';

const TASK = '/v1/Workspaces/:WorkspaceSid/Tasks/:Sid';

const answer = (store: Store, task: TaskRecord) => ({ body: taskJson(store, task), headers: { ETag: taskEtag(task) } });

/** TaskRouter tasks (taskrouter.twilio.com), with ETag and If-Match as TaskRouter implements them. */
export const taskrouterRoutes: ApiRoute[] = [
  {
    operationId: 'FetchTask',
    product: 'taskrouter',
    method: 'GET',
    path: TASK,
    sids: { WorkspaceSid: 'WS', Sid: 'WT' },
    handle: ({ params, path }, store) => answer(store, store.task(params.WorkspaceSid!, params.Sid!, path)),
  },
  {
    operationId: 'UpdateTask',
    product: 'taskrouter',
    method: 'POST',
    path: TASK,
    sids: { WorkspaceSid: 'WS', Sid: 'WT' },
    handle: ({ params, path, body, headers }, store) => {
      const task = store.task(params.WorkspaceSid!, params.Sid!, path);
      const ifMatch = headers['if-match'];
      if (ifMatch !== undefined && !etagMatches(ifMatch, task)) throw errors.preconditionFailed();
      const attributes = formString(body, 'Attributes');
      if (attributes !== undefined) {
        try {
          JSON.parse(attributes);
        } catch {
          throw errors.invalidParameter('Attributes', 'is not valid JSON');
        }
      }
      const assignmentStatus = formEnum(body, 'AssignmentStatus', ASSIGNMENT_STATUSES);
      const priority = formInteger(body, 'Priority');
      const reason = formString(body, 'Reason');
      store.updateTask(task, {
        ...(attributes !== undefined ? { attributes } : {}),
        ...(assignmentStatus !== undefined ? { assignmentStatus } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(reason !== undefined ? { reason } : {}),
      });
      return answer(store, task);
    },
  },
];

/** Strong comparison, accepting the tag with or without its quotes, or `*`. */
function etagMatches(ifMatch: string | string[], task: TaskRecord): boolean {
  const current = taskEtag(task);
  const candidates = (Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch).split(',').map((tag) => tag.trim());
  return candidates.some((tag) => tag === '*' || tag === current || `"${tag}"` === current);
}
