import type { LoggedRequest } from '../../emulator/request-log';
import { answerFigures, judge, unanswered } from '../../bench/scale/outcomes';
import { scaleTable, sustainedRates, targets, type ScaleRow } from '../../bench/scale/report';
import { scenarioFromArgs } from '../../bench/scale/run';
import { FULL_SCENARIO, type Scenario, type StrategyName } from '../../bench/scale/scenario';
import { planRow, planSignIn, tasksNeeded, type TaskFixture } from '../../bench/scale/tasks';
import { upstreamFigures } from '../../bench/scale/upstream';

/** bench:scale's model and arithmetic: what is sent when, what counts as complete, what "sustained" means. */

const hex = (n: number) => n.toString(16).padStart(32, '0');
const fixtures = (count: number): TaskFixture[] =>
  Array.from({ length: count }, (_, i) => ({ interactionSid: `KD${hex(i)}`, taskSid: `WT${hex(i)}`, workspaceSid: `WS${hex(0)}` }));
const scenario: Scenario = { ...FULL_SCENARIO, warmupSeconds: 2, windowSeconds: 4, containers: 3 };

describe('the task model', () => {
  const plan = (strategy: 'project' | 'docs', viewers = 3) =>
    planRow({
      scenario,
      strategy: scenario.strategies[strategy],
      sendsInteractionSidEverywhere: strategy === 'docs',
      tasksPerSecond: 5,
      viewers,
      tasks: fixtures(tasksNeeded(scenario, 5)),
      tokens: ['token-a', 'token-b'],
      startEpochMs: Date.UTC(2026, 11, 1),
    });

  test('each task makes a Studio call at 0 s, a task.created webhook at 1 s and its views at 2 s, in time order', () => {
    const { requests } = plan('project', 3);
    expect(requests).toHaveLength(30 * 5);
    expect(requests.map((r) => r.atMs)).toEqual([...requests.map((r) => r.atMs)].sort((a, b) => a - b));
    const task7 = requests.filter((r) => r.task === 7);
    expect(task7.map((r) => [r.caller, r.atMs])).toEqual([
      ['studio', 1400],
      ['webhook', 2400],
      ['view', 3400],
      ['view', 3400],
      ['view', 3400],
    ]);
    const [studio, webhook, view] = task7;
    expect(studio).toMatchObject({ path: '/studio/interaction', body: `InteractionSid=KD${hex(7)}` });
    const fields = Object.fromEntries(new URLSearchParams(webhook!.body));
    expect(fields).toEqual({
      EventType: 'task.created',
      TaskSid: `WT${hex(7)}`,
      WorkspaceSid: `WS${hex(0)}`,
      TaskAttributes: JSON.stringify({ flexInteractionSid: `KD${hex(7)}` }),
      Timestamp: String(Date.UTC(2026, 11, 1) / 1000 + 2),
    });
    expect(webhook!.path).toBe('/webhooks/interaction');
    expect(JSON.parse(view!.body)).toMatchObject({ InteractionSid: `KD${hex(7)}`, include: 'all' });
    expect(['token-a', 'token-b']).toContain(JSON.parse(view!.body).Token);
  });

  test('the window holds the requests due in it, and the tasks that arrive in it are what "per task" divides by', () => {
    const { requests, measuredTasks } = plan('project');
    expect(measuredTasks).toBe(20);
    for (const r of requests) expect(r.measured).toBe(r.atMs >= 2000 && r.atMs < 6000);
    // Steady state: the window sees as many calls of each kind as tasks arrive in it.
    for (const caller of ['studio', 'webhook'] as const)
      expect(requests.filter((r) => r.measured && r.caller === caller)).toHaveLength(measuredTasks);
  });

  test('the docs function is called at one route by every caller, each with InteractionSid; both strategies get the same picks', () => {
    const docs = plan('docs').requests;
    const project = plan('project').requests;
    expect(new Set(docs.map((r) => r.path))).toEqual(new Set(['/interaction']));
    for (const r of docs.filter((r) => r.contentType !== 'application/json'))
      expect(new URLSearchParams(r.body).get('InteractionSid')).toBe(`KD${hex(r.task)}`);
    expect(docs.map((r) => r.container)).toEqual(project.map((r) => r.container));
    expect(new Set(project.map((r) => r.container))).toEqual(new Set([0, 1, 2]));
  });

  test('signing in sends every agent once to every container', () => {
    const requests = planSignIn({
      strategy: scenario.strategies.project,
      containers: 3,
      tokens: ['a', 'b'],
      interactionSid: `KD${hex(1)}`,
    });
    expect(requests.map((r) => [r.container, JSON.parse(r.body).Token])).toEqual([
      [0, 'a'],
      [0, 'b'],
      [1, 'a'],
      [1, 'b'],
      [2, 'a'],
      [2, 'b'],
    ]);
    expect(requests.every((r) => !r.measured && r.path === '/interaction')).toBe(true);
  });
});

describe('outcomes', () => {
  const payload = (meta: object) => JSON.stringify({ interaction: {}, meta: { partial: false, warnings: [], ...meta } });

  test('complete, stale, rate_limited and failed, as the README defines them', () => {
    expect(judge('project', 200, payload({}))).toEqual({ outcome: 'complete', why: null });
    expect(judge('project', 200, payload({ stale: true }))).toEqual({ outcome: 'stale', why: null });
    expect(judge('project', 200, payload({ partial: true, warnings: [{ code: 'upstream_error' }] }))).toEqual({
      outcome: 'failed',
      why: 'partial: upstream_error',
    });
    expect(judge('project', 429, JSON.stringify({ error: { code: 'rate_limited' } })).outcome).toBe('rate_limited');
    expect(judge('project', 429, JSON.stringify({ error: { code: 'upstream_rate_limited' } }))).toEqual({
      outcome: 'failed',
      why: 'HTTP 429 upstream_rate_limited',
    });
    expect(judge('project', 502, JSON.stringify({ error: { code: 'upstream_rate_limited' } })).why).toBe('HTTP 502 upstream_rate_limited');
    expect(judge('project', 200, 'not json').outcome).toBe('failed');
    expect(judge('docs', 200, JSON.stringify({ sid: 'KD' })).outcome).toBe('complete');
    expect(judge('docs', 500, 'Error').why).toBe('HTTP 500');
    expect(unanswered('timeout')).toEqual({ outcome: 'failed', why: 'timeout' });
  });

  test('the four shares add up to 1, and latency percentiles count every answer', () => {
    const answers = [
      ...Array.from({ length: 7 }, () => ({ verdict: judge('project', 200, payload({})), latencyMs: 100 })),
      { verdict: judge('project', 200, payload({ stale: true })), latencyMs: 100 },
      { verdict: judge('project', 429, JSON.stringify({ error: { code: 'rate_limited' } })), latencyMs: 100 },
      { verdict: unanswered('timeout'), latencyMs: 10_000 },
    ];
    const figures = answerFigures(answers);
    expect(figures).toMatchObject({ answers: 10, complete: 0.7, stale: 0.1, rate_limited: 0.1, failed: 0.1, p50_ms: 100, p99_ms: 10_000 });
    expect(figures.complete + figures.stale + figures.rate_limited + figures.failed).toBeCloseTo(1, 12);
  });
});

describe('upstream calls', () => {
  const entry = (operationId: string, status: number | null): LoggedRequest => ({
    seq: 1,
    at: '',
    method: 'GET',
    path: '',
    query: '',
    host: null,
    operationId,
    status,
    durationMs: 1,
    fault: status === 429 ? 'rate_limit' : null,
    warning: null,
  });

  test('Flex Interactions calls, 429s and attempts per success are counted per task from the log', () => {
    const figures = upstreamFigures(
      [
        entry('FetchInteraction', 200),
        entry('FetchInteraction', 429),
        entry('FetchInteraction', 200),
        entry('ListInteractionChannel', 200),
        entry('FetchConversation', 404),
        entry('ValidateToken', 200),
      ],
      2,
    );
    expect(figures).toMatchObject({
      interactions_calls_per_task: 2,
      upstream_429_per_task: 0.5,
      attempts_per_success: 1.2,
      iam_calls_per_task: 0.5,
      sync_calls_per_task: 0,
      upstream_calls_per_task: 3,
    });
    expect(figures.upstream_calls_per_task_by_operation.FetchInteraction).toBe(1.5);
  });
});

describe('sustained rates and the table', () => {
  const row = (strategy: StrategyName, tasks_per_s: number, complete: number, more: Partial<ScaleRow> = {}): ScaleRow =>
    ({
      strategy,
      tasks_per_s,
      viewers: 3,
      answers: 100,
      complete,
      stale: 0,
      rate_limited: 0,
      failed: 1 - complete,
      p99_ms: 100,
      attempts_per_success: 1,
      interactions_calls_per_task: 4,
      ...more,
    }) as ScaleRow;

  test('the highest rate at which it and every lower rate kept 99.9% complete; the ratio to the docs function', () => {
    const rows = [row('project', 2, 1), row('project', 4, 0.999), row('project', 8, 0.99), row('project', 12, 1)];
    rows.push(row('docs', 2, 1), row('docs', 4, 0.9));
    rows.push(row('project-no-sync', 2, 1), row('project-no-sync', 4, 0.5));
    expect(sustainedRates(rows, 0.999)).toEqual([{ viewers: 3, rates: { project: 4, docs: 2, 'project-no-sync': 2 }, ratio: 2 }]);
    expect(sustainedRates([row('project', 2, 1), row('docs', 2, 0.5)], 0.999)).toEqual([
      { viewers: 3, rates: { project: 2, docs: 0 }, ratio: null },
    ]);
  });

  test('the targets: 3 × D sustained, nothing failed and a p99 under 3 s at 5 × D, at most 1.2 attempts per success', () => {
    const docs = [row('docs', 1, 1), row('docs', 2, 0.9)];
    const project = [1, 2, 3, 4, 5].map((rate) => row('project', rate, rate <= 3 ? 1 : 0.8, { stale: rate <= 3 ? 0 : 0.2, failed: 0 }));
    const rows = [...docs, ...project];
    const verdict = (list: ReturnType<typeof targets>) => Object.fromEntries(list.map((t) => [t.target, t.met]));
    expect(verdict(targets(rows, sustainedRates(rows, 0.999)))).toEqual({
      '3 viewers: project sustains ≥ 3 × D': true,
      '3 viewers, project at 5 × D (5 tasks/s): failed 0, p99 < 3000 ms': true,
      '3 viewers, project-no-sync at 5 × D (5 tasks/s): failed 0, p99 < 3000 ms': null,
      'project: attempts_per_success ≤ 1.2 in every row': true,
    });
    // One failed answer at 5 × D, a slow p99, or one row with retries multiplying: each is a miss.
    const missed = (changed: ScaleRow) => {
      const list = rows.map((r) => (r.strategy === changed.strategy && r.tasks_per_s === changed.tasks_per_s ? changed : r));
      return verdict(targets(list, sustainedRates(list, 0.999)));
    };
    expect(missed(row('project', 5, 0.8, { failed: 0.001 }))['3 viewers, project at 5 × D (5 tasks/s): failed 0, p99 < 3000 ms']).toBe(
      false,
    );
    expect(
      missed(row('project', 5, 1, { failed: 0, p99_ms: 3000 }))['3 viewers, project at 5 × D (5 tasks/s): failed 0, p99 < 3000 ms'],
    ).toBe(false);
    expect(missed(row('project', 2, 1, { attempts_per_success: 1.3 }))['project: attempts_per_success ≤ 1.2 in every row']).toBe(false);
    expect(missed(row('project', 3, 0.99))['3 viewers: project sustains ≥ 3 × D']).toBe(false);
  });

  test('the same Interactions calls per task with 3 and 10 viewers, rate by rate', () => {
    const rows = [row('project', 2, 1), row('project', 2, 1, { viewers: 10, interactions_calls_per_task: 4.2 })];
    const same = (list: ScaleRow[]) => targets(list, sustainedRates(list, 0.999)).find((t) => t.target.includes('the same'))!;
    expect(same(rows)).toMatchObject({ target: 'project: Interactions calls per task the same with 3 and 10 viewers', met: true });
    rows[1] = { ...rows[1]!, interactions_calls_per_task: 9 };
    expect(same(rows)).toMatchObject({ met: false, measured: 'largest difference at one rate: 5 calls per task' });
  });

  test('the table names its columns as the JSON does', () => {
    const [heading] = scaleTable([row('docs', 2, 1)]).split('\n');
    for (const field of [
      'strategy',
      'tasks_per_s',
      'viewers',
      'answers',
      'complete',
      'stale',
      'rate_limited',
      'failed',
      'p50_ms',
      'p99_ms',
    ])
      expect(heading).toContain(` ${field} `);
  });
});

describe('the command line', () => {
  test('--rates, --viewers, --window change the scenario data; bad values are refused', () => {
    expect(scenarioFromArgs(['--rates', '8,2,4', '--viewers', '10', '--window', '5'])).toMatchObject({
      tasksPerSecond: [2, 4, 8],
      viewers: [10],
      windowSeconds: 5,
      containers: FULL_SCENARIO.containers,
    });
    expect(scenarioFromArgs(['--smoke'])!.windowSeconds).toBeLessThan(FULL_SCENARIO.windowSeconds);
    expect(() => scenarioFromArgs(['--rates', '2,x'])).toThrow(/--rates/);
    expect(() => scenarioFromArgs(['--viewers', '2.5'])).toThrow(/whole/);
    expect(() => scenarioFromArgs(['--warmup', '1'])).toThrow(/--warmup/);
    expect(scenarioFromArgs(['--strategies', 'project,docs'])!.compare).toEqual(['docs', 'project']);
    expect(() => scenarioFromArgs(['--strategies', 'project,lambda'])).toThrow(/--strategies/);
  });
});
