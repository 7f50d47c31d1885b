/**
 * report.html's "Cut-ins" section: the agent's onsets inside the user's turns, per category, and the
 * worst examples (most agent speech inside a user turn first) with what each side said.
 */
import { CUT_INS, type CutInSummary } from '../metrics/cut-ins.js';
import { CATEGORIES } from '../scenarios/types.js';
import { escapeHtml as h, num, sec } from './format.js';

export const CUT_IN_DEFINITION =
  `A cut-in is an agent onset while the user's turn goes on: inside a main-user turn (from its first word to its last, its own pauses included; ` +
  `the truth in scenario.json says where turns are), more than ${CUT_INS.endToleranceS * 1000} ms before its last word ends. Onsets are the starts of the ` +
  `output's VAD speech runs (segments ≤ ${CUT_INS.agentRunGapS} s apart joined, as FDB v1.5 joins the model's), the same for every target; ` +
  `agent backchannels (a run under 1 s with at most 2 words, FDB's backchannel rule) are not cut-ins and are counted apart. Counted per 100 user turns.`;

export function cutInsSection(c: CutInSummary | undefined): string {
  if (!c) return `<h2>Cut-ins</h2><p class="note">Not measured: no sample had ground-truth user turns (scenario.json).</p>`;
  const rows = CATEGORIES.filter((cat) => c.byCategory[cat.id]).map((cat) => {
    const x = c.byCategory[cat.id]!;
    return `<tr><td>${h(cat.title)}</td><td class="num">${x.userTurns}</td><td class="num">${x.cutIns}</td><td class="num">${x.turnsCutIn}</td><td class="num">${num(x.per100Turns, 1)}</td><td class="num">${x.backchannelsInTurns}</td></tr>`;
  });
  const total = `<tr class="ours"><td>all categories</td><td class="num">${c.userTurns}</td><td class="num">${c.cutIns}</td><td class="num">${c.turnsCutIn}</td><td class="num">${num(c.per100Turns, 1)}</td><td class="num">${c.backchannelsInTurns}</td></tr>`;
  const worst = c.worst.map(
    (x) =>
      `<tr><td><code>${h(x.id)}</code></td><td class="num">${sec(x.t)}</td><td class="num">${sec(x.intoTurnS)}</td><td class="num">${sec(x.overlapS)}</td><td>${h(x.agentWords || '(no words)')}</td><td class="note">${h(x.turn.text)}</td></tr>`,
  );
  const examples = worst.length
    ? `<h3>Worst examples <span class="note">(most agent speech inside the user's turn first)</span></h3>
<table><thead><tr><th>sample</th><th class="num">at</th><th class="num">into the turn</th><th class="num">agent speech inside</th><th>agent said (scoring ASR)</th><th>user's turn</th></tr></thead><tbody>${worst.join('')}</tbody></table>`
    : '<p class="note">No cut-ins.</p>';
  return `<h2>Cut-ins <span class="note">${num(c.per100Turns, 1)} per 100 user turns (${c.cutIns} in ${c.userTurns})</span></h2>
<table><thead><tr><th>category</th><th class="num">user turns</th><th class="num">cut-ins</th><th class="num">turns cut into</th><th class="num">per 100 turns</th><th class="num">agent backchannels inside turns</th></tr></thead><tbody>${rows.join('')}${total}</tbody></table>
${examples}
<p class="note">${h(CUT_IN_DEFINITION)}</p>`;
}
