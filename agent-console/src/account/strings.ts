/** My account: who I am, and changing my own password. */
export const en = {
  nav: 'My account',
  title: 'My account',
  role: 'Role',
  agent: 'Agent',
  lead: 'Lead',
  changePassword: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password (at least 10 characters)',
  repeatPassword: 'New password again',
  save: 'Change password',
  saving: 'Saving…',
  changed: 'Your password is changed. Other devices and tabs where you were signed in have been signed out.',
  wrongCurrent: 'The current password is wrong.',
  tooShort: 'The new password is too short: use at least 10 characters.',
  tooLong: 'The new password is too long: use at most 200 characters.',
  mismatch: 'The two new passwords are not the same.',
  sameAsOld: 'The new password must differ from the current one.',
};

export const zhCN: typeof en = {
  nav: '我的账号',
  title: '我的账号',
  role: '角色',
  agent: '客服',
  lead: '组长',
  changePassword: '修改密码',
  currentPassword: '当前密码',
  newPassword: '新密码（至少 10 个字符）',
  repeatPassword: '再次输入新密码',
  save: '修改密码',
  saving: '保存中…',
  changed: '密码已修改。您在其他设备和标签页上的登录已全部退出。',
  wrongCurrent: '当前密码不正确。',
  tooShort: '新密码太短，至少需要 10 个字符。',
  tooLong: '新密码太长，最多 200 个字符。',
  mismatch: '两次输入的新密码不一致。',
  sameAsOld: '新密码不能与当前密码相同。',
};

export type AccountStrings = typeof en;
