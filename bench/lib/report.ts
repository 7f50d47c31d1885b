/** Targets from the issue, and the markdown tables printed by the component benchmark. */
import type { AsrResults } from './bench-asr.js';
import type { ResamplerResult } from './bench-resampler.js';
import type { TtsVoiceResult } from './bench-tts.js';
import type { VadResults } from './bench-vad.js';
import type { SpeechServerResults } from './bench-speech-servers.js';

export interface BenchResults {
  vad: VadResults;
  asr: AsrResults;
  tts: TtsVoiceResult[];
  resampler: ResamplerResult[];
  /** The OpenAI-compatible STT/TTS plug-ins' own overhead (bench-speech-servers.ts). */
  speechServers?: SpeechServerResults;
}

export interface Target {
  name: string;
  statistic: string;
  limit: number;
  unit: string;
  value: number;
  met: boolean;
  /** Context for the figure (tail values, the CPU-time view). */
  note: string;
}

function target(name: string, statistic: string, value: number, limit: number, unit: string, note = ''): Target {
  return { name, statistic, limit, unit, value, met: value <= limit, note };
}

export function evaluateTargets(r: BenchResults): Target[] {
  const slt = r.tts.find((t) => t.voice === 'slt');
  const out = [
    target('VAD cost per 32 ms window', 'median', r.vad.msPerWindow.median, 1, 'ms', `p99 ${f(r.vad.msPerWindow.p99, 3)} ms`),
    target('ASR real-time factor (20 ms chunks)', 'wall time / audio', r.asr.rtf, 0.15, 'x', `CPU time / audio ${f(r.asr.cpuRtf, 3)}`),
    target('ASR end of utterance → final text', 'median', r.asr.finalDelayMs.median, 50, 'ms', `p90 ${f(r.asr.finalDelayMs.p90, 1)} ms`),
  ];
  if (slt) {
    out.push(target('TTS flite slt time to first audio', 'median', slt.firstAudioMs.median, 20, 'ms', `p90 ${f(slt.firstAudioMs.p90, 1)} ms`));
  }
  return out;
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function vadTable(v: VadResults): string {
  const w = v.msPerWindow;
  return table(
    ['VAD (Silero v5, 1 thread)', 'median', 'p90', 'p99', 'load', 'speech windows ≥ 0.5', 'pauses ≥ 0.5', 'noise/silence ≥ 0.5'],
    [[`ms per 32 ms window (${w.n} windows)`, f(w.median, 3), f(w.p90, 3), f(w.p99, 3), `${f(v.modelLoadMs, 0)} ms`,
      pct(v.speechWindowsDetected), pct(v.pauseWindowsFalse), pct(v.nonSpeechFalseOverall)]],
  );
}

function asrTable(a: AsrResults): string {
  const rows: (string | number)[][] = [
    ['ms per 20 ms chunk (push + partial)', f(a.msPerChunk.median), f(a.msPerChunk.p90), f(a.msPerChunk.p99)],
    ['end of utterance → final text, ms', f(a.finalDelayMs.median), f(a.finalDelayMs.p90), f(a.finalDelayMs.p99)],
  ];
  const voices = a.perVoice.map((v) => `${v.voice} ${pct(v.wer)} (RTF ${f(v.rtf, 3)})`).join(', ');
  return [
    table(['ASR (pocketsphinx, 20 ms chunks)', 'median', 'p90', 'p99'], rows),
    '',
    `RTF ${f(a.rtf, 3)} wall-clock, ${f(a.cpuRtf, 3)} CPU time (first utterance ${f(a.firstUtteranceRtf, 3)}) · start-up ${f(a.startupMs, 0)} ms, ` +
      `+${f(a.rssGrowthMb, 0)} MB RSS · ${f(a.partialsPerUtterance, 1)} partial changes per utterance`,
    `WER by flite voice: ${voices}`,
  ].join('\n');
}

function ttsTable(ts: TtsVoiceResult[]): string {
  return table(
    ['TTS', 'rate', 'first audio median ms', 'p90 ms', 'cold first ms', 'RTF', 'chunk ms'],
    ts.map((t) => [`${t.engine} ${t.voice}`, t.sampleRate, f(t.firstAudioMs.median), f(t.firstAudioMs.p90),
      f(t.coldFirstAudioMs), f(t.rtf, 3), f(t.chunkMs, 1)]),
  );
}

export function renderSpeechServers(s: SpeechServerResults): string {
  return [
    table(
      ['Speech server plug-ins (adapter + loopback server answering at once)', 'median ms', 'p90', 'p99', 'note'],
      [
        ['openai-stt: segment audio → WAV → multipart POST → text', f(s.stt.requestMs.median), f(s.stt.requestMs.p90), f(s.stt.requestMs.p99),
          `${s.stt.requestMs.n} requests of ${f(s.stt.audioSeconds.median, 1)} s (median) audio; ${f(s.stt.msPerAudioSecond, 2)} ms per audio second`],
        ['openai-tts: POST → first 16 kHz chunk', f(s.tts.firstAudioMs.median), f(s.tts.firstAudioMs.p90), f(s.tts.firstAudioMs.p99),
          `whole clause (24 kHz PCM streamed, resampled): RTF ${f(s.tts.rtf, 4)} over ${f(s.tts.audioSeconds, 1)} s`],
      ],
    ),
    '',
    `What the plug-in adds on top of the server's own compute: the loopback servers answer at once (a scripted text; speech synthesized before the clock starts, streamed without pauses), so a real Whisper or Kokoro server adds its inference time to these.`,
  ].join('\n');
}

function resamplerTable(rs: ResamplerResult[]): string {
  return table(
    ['Resampler (libsamplerate SINC_FASTEST, streaming)', 'median ms/frame', 'p90', 'p99', 'RTF', 'create ms'],
    rs.map((r) => [`${r.from / 1000}k → ${r.to / 1000}k, 20 ms frames`, f(r.msPerFrame.median, 3), f(r.msPerFrame.p90, 3),
      f(r.msPerFrame.p99, 3), f(r.rtf, 4), f(r.createMs, 1)]),
  );
}

function targetTable(ts: Target[]): string {
  return table(
    ['target', 'statistic', 'value', 'limit', 'met', 'note'],
    ts.map((t) => [t.name, t.statistic, `${f(t.value, 3)} ${t.unit}`, `≤ ${t.limit} ${t.unit}`, t.met ? 'yes' : '**NO**', t.note]),
  );
}

export function renderReport(r: BenchResults, targets: Target[], header: string): string {
  return [header, '', vadTable(r.vad), '', asrTable(r.asr), '', ttsTable(r.tts), '', resamplerTable(r.resampler), '',
    ...(r.speechServers ? [renderSpeechServers(r.speechServers), ''] : []), targetTable(targets)].join('\n');
}
