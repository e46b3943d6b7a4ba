/** The agent console, served at /console. */
import { render } from 'preact';
import { App } from './app';
import { chooseLocale } from './i18n';

render(<App initialLocale={chooseLocale(navigator.languages ?? [navigator.language])} />, document.getElementById('app')!);
