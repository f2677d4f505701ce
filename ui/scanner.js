// Keyboard-wedge scanner: a USB scanner "types" a payment code in a few
// milliseconds and ends it with Enter. A person types far slower. We buffer
// every printable key for a moment, decide by timing, and only then let the
// characters through, so a scanned code never lands in a text field.
//
// The decision is a pure function (classify) and a small clock-free buffer
// (WedgeBuffer), both tested under node; installWedge() is the thin DOM part.

export const DEFAULTS = Object.freeze({ maxGap: 35, minLength: 16 });
/** How much slower than maxGap one late key inside a burst may be. */
export const JITTER = 3;

/**
 * Splits buffered keystrokes into what a person typed and what a scanner sent.
 * events: [{char, time}] in arrival order (ms); enterTime: when Enter came,
 * or null when the buffer is flushed by the idle timer.
 * The scan candidate is the trailing run whose gaps are all <= maxGap (a
 * person may have typed a key just before scanning). Returns
 *   {human, scan, partial}: human = text to replay as typing;
 *   scan = a complete code (fast run of >= minLength, Enter in time);
 *   partial = a scanner-fast run without a timely Enter: swallowed, never typed.
 */
export function classify(events, enterTime, cfg = DEFAULTS) {
  const maxGap = Number(cfg.maxGap ?? DEFAULTS.maxGap);
  const minLength = Math.max(2, Number(cfg.minLength ?? DEFAULTS.minLength));
  const n = events.length;
  const text = (list) => list.map((e) => e.char).join('');
  if (n === 0) return { human: '', scan: null, partial: null };
  // A scanner's keys can arrive late when the machine is busy, so one slow
  // gap (up to JITTER x maxGap) does not end a burst; but the burst must
  // start with scanner-fast keys (slow keys before it are a person's) and
  // be scanner-fast on average. No person types 16 keys at that pace.
  const jitterGap = maxGap * JITTER;
  let start = n - 1;
  while (start > 0 && events[start].time - events[start - 1].time <= jitterGap) start -= 1;
  while (start < n - 1 && events[start + 1].time - events[start].time > maxGap) start += 1;
  const run = events.slice(start);
  const span = run.length > 1 ? run[run.length - 1].time - run[0].time : 0;
  const fastOnAverage = run.length > 1 && span / (run.length - 1) <= maxGap;
  if (run.length >= minLength && fastOnAverage) {
    const head = text(events.slice(0, start));
    const enterInTime = enterTime !== null && enterTime !== undefined
      && enterTime - events[n - 1].time <= jitterGap;
    return enterInTime
      ? { human: head, scan: text(run), partial: null }
      : { human: head, scan: null, partial: text(run) };
  }
  return { human: text(events), scan: null, partial: null };
}

/** The buffer between keydown and decision; time is passed in, not read. */
export class WedgeBuffer {
  constructor(getConfig = () => DEFAULTS) {
    this.getConfig = getConfig;
    this.events = [];
  }
  get pending() { return this.events.length > 0; }
  push(char, time) { this.events.push({ char, time }); }
  /** Enter arrived: decide with its time. */
  enter(time) { return this.take(time); }
  /** No Enter came in time (idle timer, another key, a click): decide without it. */
  flush() { return this.take(null); }
  take(enterTime) {
    const result = classify(this.events, enterTime, this.getConfig());
    this.events = [];
    return result;
  }
}

/** Payment-code shapes (PRODUCT.md): used to refuse junk before any request. */
export function walletOfCode(code) {
  const c = String(code || '').trim();
  if (/^1[0-5]\d{16}$/.test(c)) return 'wechat';
  if (/^(2[5-9]|30)\d{14,22}$/.test(c)) return 'alipay';
  return null;
}

/** The backend's mask ("1345…6789"), to recognise our order in events. */
export function maskCode(code) {
  const chars = Array.from(String(code || ''));
  if (chars.length <= 8) return chars.join('');
  return `${chars.slice(0, 4).join('')}…${chars.slice(-4).join('')}`;
}

const TEXT_TYPES = new Set(['text', 'search', 'password', 'tel', 'url', '']);

/** Fields we can type into with setRangeText (not number/email/date inputs). */
export function isTextField(el) {
  if (!el || el.disabled || el.readOnly) return false;
  if (el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && TEXT_TYPES.has((el.getAttribute('type') || '').toLowerCase());
}

/** Puts replayed characters where the person meant them: at the cursor. */
export function insertIntoField(el, text) {
  let t = String(text);
  if (el.dataset && 'digits' in el.dataset) t = t.replace(/\D/g, '');
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? start;
  if (el.maxLength > 0) {
    const room = el.maxLength - (el.value.length - (end - start));
    t = t.slice(0, Math.max(0, room));
  }
  if (!t) return;
  el.setRangeText(t, start, end, 'end');
  el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: t }));
}

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'NumLock', 'Fn']);

/**
 * Installs the capture-phase listener on `win`.
 * opts.getConfig() -> {maxGap, minLength}; opts.onScan(code);
 * opts.onPartial(chars); opts.onHuman(text, target) where target is the
 * element that had focus when the first character was typed (or null).
 */
export function installWedge(win, opts) {
  const buffer = new WedgeBuffer(opts.getConfig);
  let timer = null;
  let target = null;
  // After a scan (or a swallowed partial one) the scanner's Enter, or a CR+LF
  // pair, must not press a focused button.
  let swallowEnterUntil = 0;

  const now = (e) => (e && e.timeStamp > 0 ? e.timeStamp : win.performance.now());
  const deliver = (result) => {
    const focused = target;
    target = null;
    if (result.human) opts.onHuman(result.human, focused);
    if (result.partial) opts.onPartial(result.partial);
    if (result.scan) opts.onScan(result.scan);
  };
  const flushNow = () => {
    win.clearTimeout(timer);
    timer = null;
    if (!buffer.pending) return;
    const result = buffer.flush();
    if (result.partial) swallowEnterUntil = win.performance.now() + 400;
    deliver(result);
  };

  const onKeyDown = (e) => {
    if (e.isComposing || e.keyCode === 229 || e.key === 'Process' || e.key === 'Dead') {
      flushNow(); // an input method owns this key (Chinese IME): hands off
      return;
    }
    if (MODIFIERS.has(e.key)) return; // Shift for capital letters comes mid-scan
    // Some scanners end a code with a line feed, which arrives as key "\n".
    const isEnter = e.key === 'Enter' || e.key === '\n' || e.key === '\r';
    const printable = !isEnter && e.key.length === 1 && e.key !== ' '
      && !e.ctrlKey && !e.metaKey && !e.altKey;
    if (printable) {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (!buffer.pending) target = win.document.activeElement;
      buffer.push(e.key, now(e));
      win.clearTimeout(timer);
      timer = win.setTimeout(flushNow, Number(opts.getConfig().maxGap ?? DEFAULTS.maxGap) * JITTER + 15);
      return;
    }
    if (isEnter) {
      if (!buffer.pending) {
        if (now(e) < swallowEnterUntil || win.performance.now() < swallowEnterUntil) {
          e.preventDefault();
          e.stopImmediatePropagation();
        }
        return;
      }
      win.clearTimeout(timer);
      timer = null;
      const result = buffer.enter(now(e));
      if (result.scan || result.partial) {
        e.preventDefault();
        e.stopImmediatePropagation();
        swallowEnterUntil = win.performance.now() + 300;
      }
      deliver(result); // human text lands before this Enter's default action
      return;
    }
    flushNow(); // any other key: typed text first, then this key, in order
  };

  win.addEventListener('keydown', onKeyDown, true);
  win.addEventListener('pointerdown', flushNow, true);
  return {
    flush: flushNow,
    dispose() {
      win.removeEventListener('keydown', onKeyDown, true);
      win.removeEventListener('pointerdown', flushNow, true);
      win.clearTimeout(timer);
    },
  };
}
