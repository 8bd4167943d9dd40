import { randomBytes } from 'node:crypto';

/** Two-letter prefixes of the Twilio resources the emulator serves. */
export const SID_PREFIX = {
  account: 'AC',
  apiKey: 'SK',
  interaction: 'KD',
  channel: 'UO',
  participant: 'UT',
  invite: 'KG',
  conversation: 'CH',
  conversationParticipant: 'MB',
  chatService: 'IS',
  messagingService: 'MG',
  role: 'RL',
  workspace: 'WS',
  workflow: 'WW',
  queue: 'WQ',
  taskChannel: 'TC',
  task: 'WT',
  worker: 'WK',
  reservation: 'WR',
  transfer: 'UX',
  execution: 'QW',
  flexInstance: 'GO',
  serverlessService: 'ZS',
  serverlessEnvironment: 'ZE',
  /** Functions and Assets share ZH, as their versions share ZN. */
  serverlessFunction: 'ZH',
  serverlessVersion: 'ZN',
  serverlessBuild: 'ZB',
  serverlessDeployment: 'ZD',
  serverlessVariable: 'ZV',
  /** Sync Services share IS with Conversations' chat services. */
  syncService: 'IS',
  syncDocument: 'ET',
} as const;

export type SidPrefix = (typeof SID_PREFIX)[keyof typeof SID_PREFIX];

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's own pattern for a SID with this prefix, as written in twilio-oai. */
export function isSid(prefix: SidPrefix, value: string): boolean {
  return value.length === 34 && value.startsWith(prefix) && /^[0-9a-fA-F]{32}$/.test(value.slice(2));
}
