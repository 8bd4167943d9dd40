/**
 * The local console: pick an interaction, call an endpoint the way its real caller does, and read the
 * answer as a card next to the raw JSON. It works only under `npm start`, which answers config.json
 * beside this page (where the emulator is, if any) and signs its requests to protected Functions;
 * without config.json the page does nothing. Every top-level field of the payload is read by the card or listed, with
 * the reason, in test/unit/console-fields.test.ts.
 */
import type { ErrorEnvelope } from '../../core/errors';
import type { ChannelSummary, ConversationParticipant, EnrichedInteraction, Reservation, Transfer } from '../../core/payload';

interface ConsoleConfig {
  /** The local Twilio API emulator, or null when the functions run against Twilio itself. */
  emulatorUrl: string | null;
}
interface SeededInteraction {
  sid: string;
  label: string;
  channelType: string;
}
type Caller = 'studio' | 'flex' | 'webhook';
type Child = Node | string | null | undefined;

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** Builds an element; text is always set as text, so nothing an interaction holds can become markup. */
function h(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

/** A labelled value; one from the payload carries its JSON path in data-field (and as a tooltip, to learn the names). */
function fact(label: string, field: string | null, value: unknown): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', field ? { 'data-field': field, title: field } : {}, text(value)));
}

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'part', id }, h('h3', {}, title), ...children);
}

function badge(value: string | null | undefined, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind} ${value ?? ''}`.trim() }, text(value));
}

function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function table(headings: string[], rows: HTMLElement[], attributes: Record<string, string>): HTMLElement {
  return h('table', attributes, h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', {}, heading)))), h('tbody', {}, ...rows));
}

/** A badge above a SID: how the tables show a typed resource. */
function typedSid(type: string | null, sid: string | null): HTMLElement {
  return h('div', { class: 'typed' }, badge(type), h('code', {}, text(sid)));
}

const sidCell = (sid: string | null): HTMLElement => h('td', {}, h('code', {}, text(sid)));

/**
 * One row per item of a channel's list (its participants or its invites), the channel's cells spanning
 * them; a channel whose list is empty, absent or unreadable gets one row that says which.
 */
function channelRows<T>(
  channelCells: (span: Record<string, string>) => HTMLElement[],
  items: T[] | null | undefined,
  itemCells: (item: T) => HTMLElement[],
  absent: { columns: number; hint: string },
): HTMLElement[] {
  const list = items ?? [];
  const leading = channelCells({ rowspan: String(Math.max(list.length, 1)) });
  if (list.length === 0) {
    const why = items === undefined ? absent.hint : items === null ? 'could not be read (see the warnings)' : 'none';
    return [h('tr', {}, ...leading, h('td', { colspan: String(absent.columns), class: 'hint' }, why))];
  }
  return list.map((item, index) => h('tr', {}, ...(index === 0 ? leading : []), ...itemCells(item)));
}

function participantRows(channel: ChannelSummary): HTMLElement[] {
  return channelRows(
    (span) => [h('td', span, typedSid(channel.type, channel.sid)), h('td', span, badge(channel.status))],
    channel.participants,
    (participant) => [
      h('td', {}, typedSid(participant.type, participant.sid)),
      sidCell(participant.workerSid),
      sidCell(participant.taskSid),
    ],
    { columns: 3, hint: 'not included: tick participants' },
  );
}

/** An invite's task carries its status as the badge, as a participant carries its type. */
function inviteRows(channel: ChannelSummary): HTMLElement[] {
  return channelRows(
    (span) => [h('td', span, typedSid(channel.type, channel.sid))],
    channel.invites,
    (invite) => [
      sidCell(invite.sid),
      h('td', {}, text(invite.queueName)),
      h('td', {}, text(invite.workflowName)),
      h('td', {}, typedSid(invite.assignmentStatus, invite.taskSid)),
    ],
    { columns: 4, hint: 'not included: tick invites' },
  );
}

function channelsSection({ channels }: EnrichedInteraction): HTMLElement[] {
  const title = 'Channels and participants';
  if (channels === undefined)
    return [section(title, 'channels', h('p', { class: 'hint' }, 'Not included: tick channels, participants or invites.'))];
  if (channels === null) return [section(title, 'channels', h('p', { class: 'hint' }, 'Could not be read (see the warnings).'))];
  const participantHeadings = ['Channel', 'Status', 'Participant', 'Worker', 'Task'];
  const inviteHeadings = ['Channel', 'Invite', 'Queue', 'Workflow', 'Task'];
  return [
    section(title, 'channels', table(participantHeadings, channels.flatMap(participantRows), { id: 'participants' })),
    section('Invites', 'channel-invites', table(inviteHeadings, channels.flatMap(inviteRows), { id: 'invites' })),
  ];
}

function reservationFacts(reservation: Reservation | null): HTMLElement {
  if (!reservation) return h('dl', {}, fact('Reservation', 'reservation', 'none'));
  return h(
    'dl',
    {},
    fact('Reservation', 'reservation.status', reservation.status),
    fact('Reserved for', 'reservation.workerSid', reservation.workerSid),
    fact('Reservation SID', 'reservation.sid', reservation.sid),
  );
}

/** Shown only when the request named a TransferSid. */
function transferSection(transfer: Transfer | null | undefined): HTMLElement[] {
  if (transfer === undefined) return [];
  const facts = transfer
    ? h(
        'dl',
        { class: 'inline' },
        fact('Type', 'transfer.type', transfer.type),
        fact('Status', 'transfer.status', transfer.status),
        fact('From', 'transfer.fromParticipantSid', transfer.fromParticipantSid),
        fact('To', 'transfer.to', transfer.to),
        fact('SID', 'transfer.sid', transfer.sid),
        fact('Channel', 'transfer.channelSid', transfer.channelSid),
        fact('Note', 'transfer.noteSid', transfer.noteSid),
        fact('Summary', 'transfer.summarySid', transfer.summarySid),
        fact('Created', 'transfer.dateCreated', transfer.dateCreated),
        fact('Updated', 'transfer.dateUpdated', transfer.dateUpdated),
      )
    : h('p', { class: 'hint' }, 'Not this interaction’s transfer, or it could not be read (see the warnings).');
  return [section('Transfer', 'transfer', facts)];
}

function conversationParticipantsSection(participants: ConversationParticipant[] | null | undefined): HTMLElement[] {
  if (!participants) return [];
  const rows = participants.map((participant) =>
    h(
      'tr',
      {},
      h('td', {}, h('code', {}, text(participant.sid))),
      h('td', {}, text(participant.identity ?? participant.address)),
      h('td', {}, text(participant.bindingType ?? 'chat')),
      h('td', {}, text(participant.proxyAddress)),
    ),
  );
  const headings = ['Participant', 'Identity or address', 'Binding', 'Proxy address'];
  return [section('Conversation participants', 'conversation-participants', table(headings, rows, {}))];
}

function renderPayload(payload: EnrichedInteraction, roundTripMs: number): HTMLElement[] {
  const { customer, channel, task, reservation, liveTask, conversation, meta } = payload;
  const warnings = meta.warnings.length
    ? h('ul', { class: 'warnings' }, ...meta.warnings.map((warning) => h('li', {}, h('code', {}, warning.code), ' ', warning.message)))
    : h('p', { class: 'hint' }, 'None.');
  return [
    h(
      'header',
      { class: 'card-head' },
      h('h2', { 'data-field': 'customer.name', title: 'customer.name' }, customer.name ?? 'Unnamed customer'),
      h('p', {}, badge(channel.type, 'channel'), ' ', h('code', { title: 'interaction.sid' }, payload.interaction.sid)),
    ),
    h(
      'div',
      { class: 'grid' },
      section(
        'Customer',
        'customer',
        h('dl', {}, fact('Address', 'customer.address', customer.address), fact('Phone', 'customer.phone', customer.phone)),
        h('dl', {}, fact('Email', 'customer.email', customer.email), fact('From', 'customer.from', customer.from)),
      ),
      section('Channel', 'channel', h('dl', {}, fact('Type', 'channel.type', channel.type), fact('SID', 'channel.sid', channel.sid))),
      section(
        'Queue, task and reservation',
        'task',
        task
          ? h(
              'dl',
              {},
              fact('Queue', 'task.queueName', task.queueName),
              fact('Workflow', 'task.workflowName', task.workflowName),
              fact('Status', 'task.assignmentStatus', task.assignmentStatus),
              fact('Priority', 'task.priority', task.priority),
              fact('Age', 'task.age', duration(task.age)),
              fact('Task', 'task.sid', task.sid),
              liveTask ? fact('Status now', 'liveTask.assignmentStatus', liveTask.assignmentStatus) : null,
            )
          : h('p', { class: 'hint' }, 'No routing properties: the interaction has no task.'),
        reservationFacts(reservation),
      ),
      section(
        'Conversation',
        'conversation',
        h(
          'dl',
          {},
          fact('SID', 'conversation.sid', conversation.sid),
          fact('Direction', 'conversation.direction', conversation.direction),
          fact('Initiated by', 'conversation.initiatedBy', conversation.initiatedBy),
          conversation.details ? fact('State', 'conversation.details.state', conversation.details.state) : null,
          conversation.details ? fact('Name', 'conversation.details.friendlyName', conversation.details.friendlyName) : null,
        ),
      ),
    ),
    ...transferSection(payload.transfer),
    ...channelsSection(payload),
    ...conversationParticipantsSection(conversation.participants),
    section('Warnings', 'warnings', warnings),
    section(
      'Timing',
      'timing',
      h(
        'dl',
        { class: 'inline' },
        fact('In the function', 'meta.durationMs', `${meta.durationMs} ms`),
        fact('Round trip', null, `${roundTripMs} ms`),
        fact('Upstream calls', 'meta.upstreamCalls', meta.upstreamCalls),
        fact('Cache', 'meta.cache', meta.cache),
        fact('Fetched at', 'meta.fetchedAt', meta.fetchedAt),
        fact('include', 'meta.include', meta.include.join(', ') || 'nothing more'),
      ),
    ),
  ];
}

function renderError(envelope: ErrorEnvelope): HTMLElement[] {
  const { error } = envelope;
  return [
    h(
      'div',
      { class: 'error', role: 'alert' },
      h('h2', {}, `${error.status} `, h('code', { 'data-field': 'error.code' }, error.code)),
      h('p', { 'data-field': 'error.message' }, error.message),
      error.parameter ? h('p', {}, 'Parameter: ', h('code', {}, error.parameter)) : null,
      error.twilioCode ? h('p', {}, `Twilio error ${error.twilioCode}`) : null,
    ),
  ];
}

function renderAnswer(body: unknown, roundTripMs: number): HTMLElement[] {
  const answer = (body ?? {}) as Partial<EnrichedInteraction & ErrorEnvelope & { skipped: true; reason: string }>;
  if (answer.error) return renderError(answer as ErrorEnvelope);
  if (answer.skipped) return [h('p', { class: 'hint' }, `Skipped: ${answer.reason ?? ''}`)];
  if (answer.meta && answer.customer) return renderPayload(answer as EnrichedInteraction, roundTripMs);
  return [h('p', { class: 'hint' }, 'The answer is not an enrichment payload: see the raw answer.')];
}

/** Flex tokens minted by the emulator, reused until shortly before they expire. */
let minted: { token: string; expiresAt: number } | undefined;

async function flexToken(config: ConsoleConfig): Promise<string> {
  if (!config.emulatorUrl) return byId<HTMLInputElement>('token').value.trim();
  if (minted && minted.expiresAt - Date.now() > 60_000) return minted.token;
  const response = await fetch(`${config.emulatorUrl}/__emulator/flex-tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(`the emulator did not mint a Flex token (HTTP ${response.status})`);
  const body = (await response.json()) as { token: string; expiration: string };
  minted = { token: body.token, expiresAt: Date.parse(body.expiration) };
  return minted.token;
}

/**
 * The X-Twilio-Signature Twilio would send with this form. npm start's front door makes it at a route
 * that exists only locally: the auth token stays in npm start, and the request then passes the same
 * signature check as one from Studio or TaskRouter.
 */
async function signature(path: string, params: Record<string, string>): Promise<string> {
  const response = await fetch('/__local/signature', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ path, params }),
  });
  const body = (await response.json().catch(() => null)) as { signature?: string; error?: { message: string } } | null;
  if (!response.ok || !body?.signature)
    throw new Error(`npm start did not sign the request: ${body?.error?.message ?? `HTTP ${response.status}`}`);
  return body.signature;
}

/** The request each caller kind sends: Studio and TaskRouter post a signed form, a Flex plugin posts JSON. */
async function requestFor(
  caller: Caller,
  sid: string,
  options: Record<string, string>,
  config: ConsoleConfig,
): Promise<{ path: string; init: RequestInit }> {
  const withOptions = (fields: Record<string, string>) => ({ ...fields, ...options });
  if (caller === 'flex') {
    const body = withOptions({ Token: await flexToken(config), InteractionSid: sid });
    return { path: '/interaction', init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } };
  }
  const fields =
    caller === 'webhook'
      ? withOptions({ EventType: 'task.created', TaskAttributes: JSON.stringify({ flexInteractionSid: sid }) })
      : withOptions({ InteractionSid: sid });
  const path = caller === 'webhook' ? '/webhooks/interaction' : '/studio/interaction';
  const headers = { 'X-Twilio-Signature': await signature(path, fields) };
  return { path, init: { method: 'POST', headers, body: new URLSearchParams(fields) } };
}

/** The optional parameters the form sets: include and TransferSid, each only when chosen. */
function chosenOptions(): Record<string, string> {
  const ticked = [...document.querySelectorAll<HTMLInputElement>('input[name="include"]:checked')].map((box) => box.value);
  const include = ticked.includes('all') ? 'all' : ticked.join(',');
  const transferSid = byId<HTMLInputElement>('transfer-sid').value.trim();
  return { ...(include && { include }), ...(transferSid && { TransferSid: transferSid }) };
}

function chosenCaller(): Caller {
  return (document.querySelector<HTMLInputElement>('input[name="caller"]:checked')?.value ?? 'studio') as Caller;
}

async function enrich(config: ConsoleConfig): Promise<void> {
  const submit = byId<HTMLButtonElement>('submit');
  const status = byId('status');
  const card = byId('card');
  const raw = byId('raw');
  byId('result').hidden = false;
  submit.disabled = true;
  status.textContent = 'Calling…';
  try {
    const caller = chosenCaller();
    const { path, init } = await requestFor(caller, byId<HTMLInputElement>('sid').value.trim(), chosenOptions(), config);
    const started = performance.now();
    const response = await fetch(path, init);
    const body: unknown = await response.json().catch(() => null);
    const roundTripMs = Math.round(performance.now() - started);
    status.replaceChildren(
      badge(String(response.status), response.ok ? 'ok' : 'failed'),
      ` POST ${path} · ${roundTripMs} ms round trip · request id `,
      h('code', {}, response.headers.get('X-Request-Id') ?? '—'),
    );
    card.replaceChildren(...renderAnswer(body, roundTripMs));
    raw.textContent = body === null ? '(not JSON)' : JSON.stringify(body, null, 2);
  } catch (error) {
    status.textContent = `The request failed: ${(error as Error).message}`;
    card.replaceChildren();
    raw.textContent = '';
  } finally {
    submit.disabled = false;
  }
}

async function loadSeeded(config: ConsoleConfig): Promise<void> {
  const select = byId<HTMLSelectElement>('seeded');
  if (!config.emulatorUrl) {
    byId('seeded-field').hidden = true;
    return;
  }
  const response = await fetch(`${config.emulatorUrl}/__emulator/interactions`);
  const { interactions } = (await response.json()) as { interactions: SeededInteraction[] };
  select.append(...interactions.map((seeded) => h('option', { value: seeded.sid }, `${seeded.label} (${seeded.channelType})`)));
  select.addEventListener('change', () => {
    if (select.value) byId<HTMLInputElement>('sid').value = select.value;
  });
}

function wireForm(config: ConsoleConfig): void {
  const form = byId<HTMLFormElement>('request');
  const all = byId<HTMLInputElement>('include-all');
  const parts = [...document.querySelectorAll<HTMLInputElement>('input[name="include"]:not(#include-all)')];
  all.addEventListener('change', () => {
    for (const box of parts) {
      box.checked = all.checked;
      box.disabled = all.checked;
    }
  });
  // Against Twilio itself a Flex token cannot be minted here: the caller pastes one.
  const tokenField = byId('token-field');
  form.addEventListener('change', () => (tokenField.hidden = config.emulatorUrl !== null || chosenCaller() !== 'flex'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void enrich(config);
  });
  form.hidden = false;
}

async function start(): Promise<void> {
  const mode = byId('mode');
  const response = await fetch('config.json', { cache: 'no-store' }).catch(() => null);
  if (!response?.ok) {
    mode.textContent =
      'This page is a development tool for `npm start`, which writes its settings beside it. They are not here, so it does nothing.';
    return;
  }
  const config = (await response.json()) as ConsoleConfig;
  mode.replaceChildren(
    ...(config.emulatorUrl
      ? [
          'Functions on this server, Twilio API from the local emulator at ',
          h('code', {}, config.emulatorUrl),
          ': seeded data, no Twilio account.',
        ]
      : ['Functions on this server, against Twilio itself with the credentials in .env: paste one of your Interaction SIDs.']),
  );
  wireForm(config);
  await loadSeeded(config).catch((error: unknown) => {
    mode.append(` (The seeded interactions could not be listed: ${(error as Error).message}.)`);
  });
}

void start();
