// Short tones made with WebAudio: no audio files to ship or load, and each
// outcome sounds different so a cashier can hear it without looking.

let enabled = true;
let ctx = null;

export function setEnabled(on) { enabled = Boolean(on); }
export function isEnabled() { return enabled; }

function audio() {
  if (ctx) return ctx;
  const Ctor = window.AudioContext || window.webkitAudioContext;
  if (!Ctor) return null;
  try { ctx = new Ctor(); } catch { ctx = null; } // no sound device: stay silent
  return ctx;
}

/** notes: [[frequency Hz, duration ms, type?], ...] played back to back. */
function play(notes, volume = 0.25) {
  if (!enabled) return;
  const ac = audio();
  if (!ac) return;
  if (ac.state === 'suspended') ac.resume().catch(() => {});
  let t = ac.currentTime + 0.01;
  for (const [freq, ms, type = 'sine'] of notes) {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    // Short ramps avoid clicks at the start and end of each note.
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(volume, t + 0.01);
    gain.gain.setValueAtTime(volume, t + ms / 1000 - 0.02);
    gain.gain.linearRampToValueAtTime(0, t + ms / 1000);
    osc.connect(gain).connect(ac.destination);
    osc.start(t);
    osc.stop(t + ms / 1000 + 0.02);
    t += ms / 1000 + 0.03;
  }
}

/** A code was read and is being charged: one short high beep. */
export const scan = () => play([[1400, 70]]);
/** Money received: a rising two-note chime. */
export const paid = () => play([[880, 120], [1320, 220]]);
/** Not paid: a low double buzz. */
export const failed = () => play([[220, 220, 'square'], [180, 320, 'square']], 0.15);
/** Outcome unknown: two flat mid tones, neither happy nor alarming. */
export const pending = () => play([[660, 180, 'triangle'], [660, 180, 'triangle']]);
/** Something was refused (no amount, wrong screen): one short low tone. */
export const error = () => play([[330, 140, 'square']], 0.12);
/** A customer paid after the cashier gave up: hard to miss. */
export const alarm = () => play([[988, 160, 'square'], [740, 160, 'square'], [988, 160, 'square'], [740, 160, 'square']], 0.18);
