/**
 * The main user's turns and the ground truth of every silence in and after them
 * (ScenarioTruth.silences). A turn is the user's consecutive spans of one role (the parts of a paused
 * utterance, the sentences of a monologue, one request, one barge-in); a backchannel is not a turn.
 * Silences are found on the user-only mix, so another voice over a pause does not hide it.
 */
import { SCENARIO_RATE } from './audio.js';
import { SILENCES } from './config.js';
import { round3 } from './track.js';
import type { UserRole, UserSilence, UserSpan } from './types.js';

export interface UserTurn {
  readonly role: UserRole;
  readonly start: number;
  readonly end: number;
  readonly spans: readonly UserSpan[];
}

/** The user's turns, in order, from the truth's `user` spans. */
export function turnsOf(user: readonly UserSpan[]): UserTurn[] {
  const turns: UserTurn[] = [];
  let open: UserSpan[] = [];
  const close = () => {
    if (open.length > 0) turns.push({ role: open[0]!.role, start: open[0]!.start, end: open[open.length - 1]!.end, spans: open });
    open = [];
  };
  for (const s of user) {
    if (s.role === 'backchannel') {
      close();
      continue;
    }
    if (open.length > 0 && open[0]!.role !== s.role) close();
    open.push(s);
  }
  close();
  return turns;
}

/**
 * Silences of at least SILENCES.minS: inside each turn ('hold': runs of 10 ms frames of the user-only
 * mix below the user's level minus SILENCES.belowUserDb), and from each turn's end to the user's next
 * speech or the end of the clip ('eot').
 */
export function silencesOf(userOnly: Int16Array, userLevelDbfs: number, user: readonly UserSpan[], durationS: number): UserSilence[] {
  const hop = SCENARIO_RATE / 100;
  const thr = 32768 * 10 ** ((userLevelDbfs - SILENCES.belowUserDb) / 20);
  const silent = (f: number): boolean => {
    let acc = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) acc += (userOnly[i] ?? 0) ** 2;
    return Math.sqrt(acc / hop) < thr;
  };
  const out: UserSilence[] = [];
  for (const turn of turnsOf(user)) {
    // Whole frames inside the turn only.
    const first = Math.ceil((turn.start * SCENARIO_RATE) / hop);
    const last = Math.floor((turn.end * SCENARIO_RATE) / hop);
    let runStart = -1;
    for (let f = first; f <= last; f++) {
      const quiet = f < last && silent(f);
      if (quiet && runStart < 0) runStart = f;
      if (!quiet && runStart >= 0) {
        if ((f - runStart) / 100 >= SILENCES.minS - 1e-9) out.push({ start: round3(runStart / 100), end: round3(f / 100), kind: 'hold' });
        runStart = -1;
      }
    }
    const next = user.find((s) => s.start > turn.end);
    const end = next ? next.start : durationS;
    if (end - turn.end >= SILENCES.minS - 1e-9) out.push({ start: turn.end, end: round3(end), kind: 'eot' });
  }
  return out;
}
