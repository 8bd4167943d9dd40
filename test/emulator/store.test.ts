import { readSeedFile, storeFromSeed } from '../../emulator/seed';
import type { SidPrefix } from '../../emulator/sids';
import { Store } from '../../emulator/store';

/** The model's own surface: SIDs from the minter it is given, and reads that hand out copies of its lists. */

const seed = readSeedFile();
const NOW = () => Date.parse('2026-11-24T10:00:00Z');

/** KD000…001, UO000…002, …: the nth SID minted. */
function countingSids(): (prefix: SidPrefix) => string {
  let count = 0;
  return (prefix) => prefix + String(++count).padStart(32, '0');
}

const voiceCall = { channel: { type: 'voice' as const }, routing: { properties: { workspace_sid: seed.workspace.sid } } };

test('a store mints the SIDs it is not given with the minter it is constructed with', () => {
  const store = new Store({ accountSid: seed.accountSid, flexInstanceSid: seed.flexInstanceSid, now: NOW, mintSid: countingSids() });
  store.addRoutingConfiguration({ ...seed, workspaces: [seed.workspace] });
  const created = store.createInteraction(voiceCall);
  expect([created.sid, created.channelSids[0], created.primaryTaskSid]).toEqual([
    'KD00000000000000000000000000000001',
    'UO00000000000000000000000000000002',
    'WT00000000000000000000000000000003',
  ]);
});

test("the seed's SIDs do not depend on the minter; what is created afterwards uses it", () => {
  const counted = storeFromSeed(seed, NOW, countingSids());
  const random = storeFromSeed(seed, NOW);
  const agents = (store: Store) =>
    seed.interactions.flatMap((i) => store.channelsOf(i.sids.interaction!).flatMap((c) => store.participantsOf(c.sid).map((p) => p.sid)));
  expect(agents(counted)).toEqual(agents(random));
  expect(counted.createInteraction(voiceCall).sid).toBe('KD00000000000000000000000000000001');
});

test("a list a caller changes leaves the store's own as it was", () => {
  const store = storeFromSeed(seed, NOW);
  const threeChannels = seed.interactions.find((i) => i.label.includes('three channels'))!.sids.interaction!;
  store.channelsOf(threeChannels).pop();
  store.workers().length = 0;
  expect(store.channelsOf(threeChannels)).toHaveLength(3);
  expect(store.workers()).toHaveLength(seed.workers.length);
});
