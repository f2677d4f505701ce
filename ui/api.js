// The only module that talks to the Rust side. Its calls are built from the
// generated contract (generated/contract.js, written from the Rust types), so
// a command, an argument or an error kind exists here exactly when it exists
// in Rust. Screens call `api.payStart({...})` and never touch window.__TAURI__.
// Argument objects use the contract's snake_case keys, exactly as sent.

import { COMMANDS, ERROR_KINDS } from './generated/contract.js';

const KINDS = new Set(ERROR_KINDS);

/**
 * Every rejection becomes {kind, message, money_may_have_moved}; unknown
 * shapes get kind "unknown" and, not knowing better, "money may have moved"
 * only when the backend said so.
 * @returns {{kind: string, message: string, money_may_have_moved: boolean}}
 */
export function normalizeError(e) {
  if (e && typeof e === 'object' && typeof e.kind === 'string') {
    return {
      kind: KINDS.has(e.kind) ? e.kind : 'unknown',
      message: String(e.message ?? ''),
      money_may_have_moved: e.money_may_have_moved === true,
    };
  }
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e);
      if (parsed && typeof parsed.kind === 'string') return normalizeError(parsed);
    } catch { /* a plain message */ }
    return { kind: 'unknown', message: e, money_may_have_moved: false };
  }
  return { kind: 'unknown', message: String(e?.message ?? e ?? ''), money_may_have_moved: false };
}

function bridge() {
  const t = window.__TAURI__;
  if (!t || !t.core || typeof t.core.invoke !== 'function') {
    throw { kind: 'unknown', message: 'Not running inside the Cashier app (no Tauri bridge).' };
  }
  return t;
}

/**
 * The arguments as the command takes them: every key one it knows, every
 * required one present, and an optional one left empty ('' or undefined)
 * sent as null. A mistake here is a bug in a screen: it throws before
 * anything is sent.
 */
export function checkArgs(name, args = {}) {
  const spec = COMMANDS[name];
  if (!spec) throw { kind: 'unknown', message: `no command ${name}` };
  const out = {};
  for (const key of Object.keys(args)) {
    if (!(key in spec.args)) throw { kind: 'unknown', message: `${name} takes no argument ${key}` };
  }
  for (const [key, need] of Object.entries(spec.args)) {
    const value = args[key];
    const empty = value === undefined || value === null || value === '';
    if (need === 'required' && (value === undefined || value === null)) {
      throw { kind: 'unknown', message: `${name} needs ${key}` };
    }
    out[key] = need === 'optional' && empty ? null : value;
  }
  return out;
}

async function call(name, args) {
  try {
    return await bridge().core.invoke(name, { args: checkArgs(name, args) });
  } catch (e) {
    throw normalizeError(e);
  }
}

/** @type {import('./generated/contract.js').Api & {on: typeof on}} */
export const api = Object.freeze({
  ...Object.fromEntries(Object.entries(COMMANDS)
    .filter(([, spec]) => !spec.channel)
    .map(([name, spec]) => [spec.fn, (args) => call(name, args)])),
  on,
});

// The app's events reach this window over its own channel, opened once:
// the window hears what the app sends to it, and nothing else.
const handlers = new Map();
let subscribed = null;

function subscribe() {
  if (!subscribed) {
    subscribed = (async () => {
      const t = bridge();
      const channel = new t.core.Channel();
      channel.onmessage = (message) => {
        for (const cb of handlers.get(message.event) || []) {
          try { cb(message.payload); } catch (err) { console.error(err); }
        }
      };
      const [name] = Object.entries(COMMANDS).find(([, spec]) => spec.channel);
      await t.core.invoke(name, { channel });
    })().catch((e) => { subscribed = null; throw normalizeError(e); });
  }
  return subscribed;
}

/** Listens to an app event; cb gets the payload. Resolves to an unlisten function. */
export async function on(event, cb) {
  if (!handlers.has(event)) handlers.set(event, new Set());
  handlers.get(event).add(cb);
  try {
    await subscribe();
  } catch (e) {
    handlers.get(event).delete(cb);
    throw e;
  }
  return () => handlers.get(event).delete(cb);
}
