/**
 * Sound preferences of this browser (not the account: a shared office PC and a laptop differ).
 * New chats always chime; a visitor's new message in a chat I already have chimes unless turned off.
 */
const KEY = 'livesupport:message-sound';

export const messageSoundOn = (storage: Pick<Storage, 'getItem'> = localStorage): boolean => storage.getItem(KEY) !== 'off';

export function setMessageSound(on: boolean, storage: Pick<Storage, 'setItem'> = localStorage) {
  storage.setItem(KEY, on ? 'on' : 'off');
}
