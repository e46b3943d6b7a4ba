/** The sign-in form's message for a failed login, in both languages. */
import { ApiError } from '../../agent-console/src/api';
import { strings } from '../../agent-console/src/i18n';
import { signInError } from '../../agent-console/src/sign-in/sign-in-error';

const tooMany = new ApiError('TOO_MANY_ATTEMPTS', 'Too many failed sign-in attempts', 429, 840);

test('too many attempts says how long to wait, never that the password is wrong', () => {
  expect(signInError(strings('en'), tooMany)).toBe('Too many attempts. Try again in 840 s.');
  expect(signInError(strings('zh-CN'), tooMany)).toBe('尝试次数过多，请 840 秒后再试。');
});

test('any other failure keeps the one message', () => {
  const wrong = new ApiError('INVALID_CREDENTIALS', 'Email or password is wrong', 401);
  expect(signInError(strings('en'), wrong)).toBe('Email or password is wrong.');
  expect(signInError(strings('zh-CN'), new TypeError('Failed to fetch'))).toBe('邮箱或密码错误。');
});
