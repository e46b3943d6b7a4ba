/**
 * The rating and self-service figures of report-figures.ts from counted cells, without I/O:
 * coverage is offered ÷ closed, the response rate rated ÷ offered, each null when its
 * denominator is nothing; self-served chats are counted apart (the store leaves them out of missed).
 */
import { figuresOf, METRIC, type Metric, type ReportCell } from '../../server/domain/report-figures';

const cell = (metric: Metric, n: number, bucket = 0, total = 0): ReportCell => ({ key: null, metric, bucket, n, total });

test('ten closed, eight offered a rating, six rated (scores 5, 5, 4, 3, 2, 1): coverage 80 %, response rate 75 %', () => {
  const f = figuresOf(
    [
      cell(METRIC.closed, 10), cell(METRIC.missed, 1), cell(METRIC.selfServed, 2), cell(METRIC.ratingOffered, 8),
      cell(METRIC.rating, 2, 5, 10), cell(METRIC.rating, 1, 4, 4), cell(METRIC.rating, 1, 3, 3), cell(METRIC.rating, 1, 2, 2), cell(METRIC.rating, 1, 1, 1),
    ],
    20,
  );
  expect(f).toMatchObject({ closed: 10, missed: 1, selfServed: 2, rated: 6, ratingOffered: 8, ratingCoverage: 0.8, responseRate: 0.75, averageRating: 20 / 6, satisfied: 0.5 });
});

test('nothing offered: no response rate; nothing closed: no coverage either', () => {
  expect(figuresOf([cell(METRIC.closed, 3), cell(METRIC.selfServed, 3)], 20)).toMatchObject({ selfServed: 3, missed: 0, ratingOffered: 0, ratingCoverage: 0, responseRate: null });
  expect(figuresOf([cell(METRIC.started, 1)], 20)).toMatchObject({ closed: 0, ratingCoverage: null, responseRate: null, selfServed: 0 });
});
