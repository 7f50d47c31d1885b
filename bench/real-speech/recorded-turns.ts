/**
 * Recorded human speech to measure on: Asterisk's prompts (Debian packages
 * `asterisk-core-sounds-<lang>-wav`, professional voices recorded in a studio, 8 kHz telephone band,
 * CC-BY-SA-3.0; transcripts in `core-sounds-<lang>.txt.gz`). Allison Smith's US English prompts are the
 * main recorded speaker; June Wallack (Canadian French) and Carlo (Italian, the one male voice) are
 * further real speakers whose words the English recogniser cannot follow — what their samples measure
 * is how the duplex decisions hold on real voices when the words are noise, as for a heavily accented
 * speaker. Nothing in the engine was chosen on any of them: held-out speakers of real speech, with a
 * person's own pauses, breaths and intonation, where every other voice the bench has is synthesized.
 *
 * Each prompt that is one finished spoken turn (isSpokenTurn: not a sound, no tone inside, not a
 * fragment made to be spliced before another prompt) with at least 1.5 s of speech is one user turn. Its silences follow the generated scenarios' rule exactly
 * (bench/scenarios/silences.ts: 10 ms frames 30 dB below the speech level, at least 100 ms): the
 * silences inside it are holds (the speaker goes on), the silence after its last word is the turn end.
 * Read prompts are not conversation: their pauses mostly fall between finished sentences and between
 * the items of a menu ("press 1 to …, 2 to …"), which is the hard case for any end-of-turn detector.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FullduplexError } from '../../src/errors.js';
import { readWavMono } from '../../src/audio/wav.js';
import { resample } from '../../src/audio/resampler.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { atLevel, SCENARIO_RATE, silence, speechBounds, speechLevelDbfs } from '../scenarios/audio.js';
import { silencesOf as scenarioSilences } from '../scenarios/silences.js';
import { GENERATION } from '../scenarios/config.js';
import type { SilenceSpan } from '../turn-end/spans.js';
import { silencesOf, SPAN_RULES } from '../turn-end/spans.js';

/** One recorded speaker: where Debian installs the prompts and their transcripts. */
export interface RecordedSource {
  /** Readable name ("Allison Smith"). */
  readonly voice: string;
  /** The person, as a synthesized voice's `base` names its speaker. */
  readonly base: string;
  /** What they speak ("US English"). */
  readonly language: string;
  readonly dir: string;
  readonly transcripts: string;
  /** The Debian packages that hold them and their transcripts (scripts/setup.mjs installs both). */
  readonly debianPackage: string;
  readonly transcriptPackage: string;
  readonly license: string;
}

const asterisk = (lang: string, folder: string, voice: string, base: string, language: string): RecordedSource => ({
  voice,
  base,
  language,
  dir: `/usr/share/asterisk/sounds/${folder}`,
  transcripts: `/usr/share/doc/asterisk-core-sounds-${lang}/core-sounds-${lang}.txt.gz`,
  debianPackage: `asterisk-core-sounds-${lang}-wav`,
  transcriptPackage: `asterisk-core-sounds-${lang}`,
  license: 'CC-BY-SA-3.0',
});

/** The recorded speakers, by key (`bench recorded-set --speaker`). */
export const RECORDED_SPEAKERS = {
  allison: asterisk('en', 'en_US_f_Allison', 'Allison Smith', 'allison', 'US English'),
  june: asterisk('fr', 'fr_CA_f_June', 'June Wallack', 'june', 'Canadian French'),
  carlo: asterisk('it', 'it_IT_m_Carlo', 'Carlo', 'carlo', 'Italian'),
} as const satisfies Record<string, RecordedSource>;

export type RecordedSpeakerKey = keyof typeof RECORDED_SPEAKERS;

export function isRecordedSpeakerKey(x: string): x is RecordedSpeakerKey {
  return Object.hasOwn(RECORDED_SPEAKERS, x);
}

/** The main recorded speaker (Allison Smith) and which prompts are turns worth probing. */
export const RECORDED_SPEECH = {
  ...RECORDED_SPEAKERS.allison,
  /** Prompts with less speech than this (single words, digits, letters) are not turns with pauses, s. */
  minSpeechS: 1.5,
  /** Silence put before each prompt, so the detectors meet its onset as they would a user's, s. */
  leadS: 0.5,
  /** Speech level every prompt is brought to (the generated users' mean level), dBFS. */
  levelDbfs: GENERATION.userLevelDbfs,
} as const;

export interface RecordedTurn {
  /** The prompt's path under the sounds folder, without `.wav` ("vm-instructions", "dictate/play_help"). */
  readonly id: string;
  /** What is said, when the transcript file is installed. */
  readonly text?: string;
  /** 16 kHz, at RECORDED_SPEECH.levelDbfs, RECORDED_SPEECH.leadS of silence first. */
  readonly input: Int16Array;
  /** Holds inside the turn and the turn end after it (seconds from the start of `input`). */
  readonly spans: SilenceSpan[];
  readonly speechS: number;
  /** Where the speech starts and ends in `input`, s. */
  readonly start: number;
  readonly end: number;
  /** The speech level its silences were found against (about RECORDED_SPEECH.levelDbfs), dBFS. */
  readonly levelDbfs: number;
}

/** The transcripts, by prompt id ("id: text" per line). Missing file: an empty map. */
export function readTranscripts(path: string = RECORDED_SPEECH.transcripts): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_\-/]+):\s*(.+)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

function wavFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...wavFiles(p));
    else if (name.endsWith('.wav')) out.push(p);
  }
  return out;
}

/** One prompt as a probe-ready turn (see RecordedTurn); null when it has less speech than `minSpeechS`. */
export async function loadRecordedTurn(path: string, id: string, text: string | undefined, minSpeechS: number = RECORDED_SPEECH.minSpeechS): Promise<RecordedTurn | null> {
  const wav = await readWavMono(path);
  const at16 = await resample(wav, SCENARIO_RATE);
  const b = speechBounds(atLevel(at16, RECORDED_SPEECH.levelDbfs));
  if (b.end - b.start < minSpeechS) return null;
  const body = atLevel({ samples: at16.samples.subarray(Math.floor(b.start * SCENARIO_RATE), Math.ceil(b.end * SCENARIO_RATE)), sampleRate: SCENARIO_RATE }, RECORDED_SPEECH.levelDbfs);
  const input = concatInt16([silence(RECORDED_SPEECH.leadS), body.samples]);
  const start = RECORDED_SPEECH.leadS;
  const end = start + body.samples.length / SCENARIO_RATE;
  // The speaker stays silent after the prompt (the probe pads it): the turn end runs to the answer window.
  const durationS = end + SPAN_RULES.maxEotS;
  const levelDbfs = speechLevelDbfs(body);
  const truth = scenarioSilences(input, levelDbfs, [{ role: 'turn', text: text ?? id, start, end }], durationS);
  return { id, ...(text !== undefined && { text }), input, spans: silencesOf({ id, durationS, silences: truth }), speechS: end - start, start, end, levelDbfs };
}

/**
 * Whether a prompt is one finished turn of speech, by its transcript: not a sound ("[sound of monkeys
 * screaming]", beeps), no sound inside it ("… (simple tone sound plays)"), and not a fragment made to be
 * spliced before another prompt ("At the sound of the tone, the time will be exactly...").
 */
export function isSpokenTurn(text: string | undefined): boolean {
  if (text === undefined || /[[\]()]/.test(text)) return false;
  return /[A-Za-z]/.test(text) && !/(\.\.\.|…)\s*$/.test(text);
}

/**
 * The installed prompts whose transcript is a spoken turn (isSpokenTurn), in path order, with their
 * paths and text: the selection before any audio is read (the speech-length floor comes after).
 */
export function spokenTurnPrompts(o: { source?: RecordedSource; dir?: string; transcripts?: string } = {}): { id: string; path: string; text: string }[] {
  const source = o.source ?? RECORDED_SPEECH;
  const dir = o.dir ?? source.dir;
  const transcripts = o.transcripts ?? source.transcripts;
  if (!existsSync(dir)) {
    throw new FullduplexError('MODEL_MISSING', `no recorded speech at ${dir}: install the Debian package ${source.debianPackage} (scripts/setup.mjs does)`);
  }
  // Without the transcripts a sound or a fragment cannot be told from a turn.
  if (!existsSync(transcripts)) {
    throw new FullduplexError('MODEL_MISSING', `no transcripts of the recorded speech at ${transcripts}: install the Debian package ${source.transcriptPackage} (scripts/setup.mjs does)`);
  }
  const texts = readTranscripts(transcripts);
  const out: { id: string; path: string; text: string }[] = [];
  for (const path of wavFiles(dir)) {
    const id = relative(dir, path).replace(/\.wav$/, '');
    const text = texts.get(id);
    if (text !== undefined && isSpokenTurn(text)) out.push({ id, path, text });
  }
  return out;
}

/** Every installed prompt that is a spoken turn (spokenTurnPrompts) with at least `minSpeechS` of speech, in path order. */
export async function loadRecordedTurns(o: { source?: RecordedSource; dir?: string; transcripts?: string; minSpeechS?: number; limit?: number } = {}): Promise<RecordedTurn[]> {
  const out: RecordedTurn[] = [];
  for (const p of spokenTurnPrompts(o)) {
    const turn = await loadRecordedTurn(p.path, p.id, p.text, o.minSpeechS);
    if (turn) out.push(turn);
    if (o.limit !== undefined && out.length >= o.limit) break;
  }
  return out;
}

/**
 * Consecutive prompts as one conversation with the same person: each prompt, then the answer window
 * (SPAN_RULES.maxEotS) of silence where the agent would answer, then the next. The spans keep their
 * kinds (each prompt's holds, and its turn end), moved to the conversation's time.
 */
export function recordedConversation(turns: readonly RecordedTurn[]): { id: string; text: string; input: Int16Array; spans: SilenceSpan[] } {
  const parts: Int16Array[] = [];
  const spans: SilenceSpan[] = [];
  let offset = 0;
  for (const t of turns) {
    const block = concatInt16([t.input, silence(Math.max(0, t.end + SPAN_RULES.maxEotS - t.input.length / SCENARIO_RATE))]);
    parts.push(block);
    for (const s of t.spans) spans.push({ ...s, start: s.start + offset, end: s.end + offset });
    offset += block.length / SCENARIO_RATE;
  }
  return { id: turns.map((t) => t.id).join('+'), text: turns.map((t) => t.text ?? t.id).join(' / '), input: concatInt16(parts), spans };
}
