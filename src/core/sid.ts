/** Twilio's SID patterns, exactly as twilio-oai writes them, for the SIDs this project sends upstream. */
export const SID_PATTERNS = {
  interaction: /^KD[0-9a-fA-F]{32}$/,
  task: /^WT[0-9a-fA-F]{32}$/,
  workspace: /^WS[0-9a-fA-F]{32}$/,
  conversation: /^CH[0-9a-fA-F]{32}$/,
  channel: /^UO[0-9a-fA-F]{32}$/,
  transfer: /^UX[0-9a-fA-F]{32}$/,
  invite: /^KG[0-9a-fA-F]{32}$/,
  worker: /^WK[0-9a-fA-F]{32}$/,
  reservation: /^WR[0-9a-fA-F]{32}$/,
  participant: /^UT[0-9a-fA-F]{32}$/,
} as const;

export type SidKind = keyof typeof SID_PATTERNS;

export function isSid(kind: SidKind, value: unknown): value is string {
  return typeof value === 'string' && SID_PATTERNS[kind].test(value);
}
