// Money stays a decimal string from keypad to backend. JS numbers are never
// used for amounts: 0.1 + 0.2 is not 0.3, and a cashier's total must be exact.

const NO_MINOR_UNIT = new Set(['JPY', 'KRW']);
const MAX_INT_DIGITS = 9;

/** Digits after the decimal point for a currency (HipoPay 11.3). */
export function decimalsFor(currency) {
  return NO_MINOR_UNIT.has(String(currency || '').toUpperCase()) ? 0 : 2;
}

/**
 * One keypad press. `current` is the string typed so far ('' when empty).
 * Keys: '0'..'9', '.', 'back', 'clear'. Invalid presses return `current`
 * unchanged, so the display never shows an amount the backend would refuse.
 */
export function keypadPress(current, key, currency) {
  const cur = current || '';
  const decimals = decimalsFor(currency);
  if (key === 'clear') return '';
  if (key === 'back') {
    const out = cur.slice(0, -1);
    return out;
  }
  if (key === '.' || key === ',') {
    if (decimals === 0 || cur.includes('.')) return cur;
    return (cur === '' ? '0' : cur) + '.';
  }
  if (!/^[0-9]$/.test(key)) return cur;
  const dot = cur.indexOf('.');
  if (dot >= 0) {
    if (cur.length - dot - 1 >= decimals) return cur;
    return cur + key;
  }
  // No leading zeros: "0" followed by a digit becomes that digit.
  if (cur === '0') return key;
  if (cur.length >= MAX_INT_DIGITS) return cur;
  return cur + key;
}

/** Applies a run of typed characters (e.g. replayed keyboard input). */
export function keypadType(current, text, currency) {
  let out = current || '';
  for (const ch of String(text)) out = keypadPress(out, ch, currency);
  return out;
}

/** True for a well-formed decimal string above zero. */
export function isPositive(amount) {
  const s = String(amount ?? '').trim();
  return /^\d+(\.\d*)?$/.test(s) && /[1-9]/.test(s);
}

/**
 * The string sent to the backend: fraction padded to the currency's digits,
 * a trailing "." dropped ("12." -> "12.00", "1200" stays "1200" for JPY).
 */
export function toWire(amount, currency) {
  const decimals = decimalsFor(currency);
  let [int, frac = ''] = String(amount || '0').split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  if (decimals === 0) return int;
  return `${int}.${(frac + '00').slice(0, decimals)}`;
}

/** Validates a typed amount (e.g. a partial refund) for a currency. */
export function isValidAmount(text, currency) {
  const s = String(text ?? '').trim();
  const re = decimalsFor(currency) === 0
    ? /^(0|[1-9]\d{0,8})$/
    : /^(0|[1-9]\d{0,8})(\.\d{1,2})?$/;
  return re.test(s);
}

/** Compares two non-negative decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a, b) {
  const split = (s) => {
    const [i, f = ''] = String(s ?? '0').trim().replace(/^-/, '').split('.');
    return [i.replace(/^0+/, ''), f.replace(/0+$/, '')];
  };
  const [ai, af] = split(a);
  const [bi, bf] = split(b);
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const ap = af.padEnd(n, '0');
  const bp = bf.padEnd(n, '0');
  if (ap === bp) return 0;
  return ap < bp ? -1 : 1;
}

/** Groups the integer part with commas: "1234567.5" -> "1,234,567.5". */
export function group(amount) {
  const s = String(amount ?? '');
  const neg = s.startsWith('-');
  const [int, frac] = (neg ? s.slice(1) : s).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

/**
 * A finished amount as people read it: grouped, fraction padded.
 * formatMoney("1234.5", "HKD") -> "1,234.50"; ("1200", "JPY") -> "1,200".
 */
export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '';
  const s = String(amount).trim();
  if (!/^-?\d+(\.\d*)?$/.test(s)) return s;
  const neg = s.startsWith('-');
  const decimals = decimalsFor(currency);
  let [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  let out = int;
  if (decimals > 0) out += '.' + (frac + '00').slice(0, Math.max(decimals, frac.replace(/0+$/, '').length));
  return (neg ? '-' : '') + group(out);
}

/** The keypad's in-progress text for display (grouped, as typed). */
export function formatTyping(amount, currency) {
  if (!amount) return decimalsFor(currency) === 0 ? '0' : '0.00';
  return group(amount);
}
