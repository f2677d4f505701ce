// The core could not start: the settings file or the order database could
// not be used. Says what is wrong and where, promises nothing was touched,
// and tries again once someone has fixed it (no restart of the app needed).

import { t } from '../i18n/index.js';
import { $, setError } from '../ui.js';

let ctx;
let problem = null;
let onStarted = () => {};

function render() {
  if (!problem) return;
  const storage = problem.kind === 'storage';
  $('#startup-what').textContent = t(storage ? 'startup.storage' : 'startup.config');
  $('#startup-advice').textContent = t(storage ? 'startup.storageAdvice' : 'startup.configAdvice');
  $('#startup-message').textContent = problem.message;
  $('#startup-config-file').textContent = problem.config_file;
  $('#startup-db-file').textContent = problem.db_file;
}

async function retry() {
  const button = $('#btn-startup-retry');
  const error = $('#startup-error');
  setError(error, null);
  button.disabled = true;
  try {
    await ctx.api.startupRetry();
    problem = null;
    onStarted();
  } catch (err) {
    // Still broken: show the latest reason (it may have changed).
    problem = (await ctx.api.startupProblem().catch(() => null)) || problem;
    render();
    setError(error, t('startup.still'));
    ctx.sounds.error();
  } finally {
    button.disabled = false;
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-startup-retry').addEventListener('click', retry);
  },
  /** params: {problem, onStarted} */
  show(params = {}) {
    problem = params.problem || problem;
    if (params.onStarted) onStarted = params.onStarted;
    setError($('#startup-error'), null);
    render();
    $('#btn-startup-retry').focus();
  },
  onLanguage: render,
};
