import { markdownTable, row } from '../../bench/support/report';
import { percentile, runLoad, summarize } from '../../bench/support/stats';

/** The bench's figures are only as good as its arithmetic: percentiles, the load loop, ratios. */

test('percentiles follow the nearest-rank definition, whatever the input order', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 99)).toBe(99);
  expect(percentile(values, 100)).toBe(100);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([], 50)).toBeNaN();
});

test('the load loop makes exactly the calls asked for, never more at once than the concurrency', async () => {
  let inFlight = 0;
  let most = 0;
  const result = await runLoad(
    async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
    },
    { count: 25, concurrency: 4 },
  );
  expect(result.latencies).toHaveLength(25);
  expect(most).toBe(4);
  expect(summarize([result]).calls).toBe(25);
});

test('a row gives the project ÷ baseline ratio when both are numbers, or the one measured, and the table lines up', () => {
  expect(row(2, 'rate', 90, 100, { target: '≥ 0.9×', met: true })).toMatchObject({ ratio: '0.90', met: 'yes' });
  expect(row(2, 'rate', 90, 100, { ratio: 0.85 }).ratio).toBe('0.85');
  expect(row(4, 'calls', 1, null, { target: '1', met: true }).ratio).toBe('');
  const lines = markdownTable([row(1, 'size, KB', 29.6, 0.4, { target: '< 50 KB', met: true })]).split('\n');
  expect(lines).toHaveLength(3);
  expect(new Set(lines.map((line) => line.length)).size).toBe(1);
});
