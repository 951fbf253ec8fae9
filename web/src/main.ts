/** The browser app's entry: theme first (before the first paint), then the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme } from './lib/preferences';
import './styles/theme.css';
import './styles/base.css';
import './styles/markdown.css';

applyTheme();

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
mount(App, { target });
