/** "Today" for the floor's figures: the date and the instant of its midnight in a time zone. */
import { dayIn } from '../../server/domain/chat/day';

test('midnight in the site time zone, not the server one', () => {
  const at = Date.UTC(2026, 10, 30, 17, 0); // 01:00 on 1 December in Shanghai
  expect(dayIn('Asia/Shanghai', at)).toEqual({ day: '2026-12-01', start: Date.UTC(2026, 10, 30, 16, 0) });
  expect(dayIn('UTC', at)).toEqual({ day: '2026-11-30', start: Date.UTC(2026, 10, 30) });
  expect(dayIn('America/Los_Angeles', at)).toEqual({ day: '2026-11-30', start: Date.UTC(2026, 10, 30, 8, 0) });
});

test('a day on which the clocks change starts at its own midnight', () => {
  // New York moves to summer time at 02:00 on 8 March 2026: midnight was still UTC-5.
  expect(dayIn('America/New_York', Date.UTC(2026, 2, 8, 20))).toEqual({ day: '2026-03-08', start: Date.UTC(2026, 2, 8, 5) });
  // Back to winter time on 1 November: midnight was UTC-4.
  expect(dayIn('America/New_York', Date.UTC(2026, 10, 1, 20))).toEqual({ day: '2026-11-01', start: Date.UTC(2026, 10, 1, 4) });
});
