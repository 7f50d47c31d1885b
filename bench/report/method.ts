/**
 * How the numbers are made, in plain sentences: printed in report.html and summarised in the README.
 * Keep in step with bench/metrics (definitions), bench/runner/config.ts (VAD/ASR) and
 * bench/scenarios/config.ts (levels).
 */
import { BACKCHANNEL } from '../metrics/backchannel.js';
import { TAKEOVER } from '../metrics/takeover.js';
import { V15 } from '../metrics/fdb-v15.js';
import { CONTINUATION } from '../metrics/continuation.js';
import { GENERATION, PHRASE_CONTINUOUS_SHARE, PHRASE_GAP_S, SPEAKER_VARIATION as SV, VOICE_SETS } from '../scenarios/config.js';
import { BACKCHANNEL_REFERENCE } from '../runner/config.js';

export interface MethodNote {
  readonly title: string;
  readonly text: string;
}

export const METHOD: readonly MethodNote[] = [
  {
    title: 'Samples',
    text:
      `Generated deterministically from scripts with a pool of voices (flite, Festival, espeak-ng) split into tuning voices (${VOICE_SETS.tuning.map((v) => v.voice).join(', ')}) and held-out voices (${VOICE_SETS.heldout.map((v) => v.voice).join(', ')}; never used to choose a tunable), each varied per sample: pitch ${SV.pitchSemitones.join(' to ')} semitones, tempo ${SV.tempo.join('–')}× by WSOLA, level ${GENERATION.userLevelDbfs} dBFS ${SV.levelDb.join(' to ')} dB, EQ tilt ±${SV.tiltDb[1]} dB, a telephone band on ${SV.telephoneShare * 100} % and a small room on ${SV.reverbShare * 100} % of speakers. ` +
      `Turns have ${PHRASE_GAP_S.map((x) => x * 1000).join('–')} ms gaps at phrase boundaries (fillers, false starts, digit groups, lists, trailing "and"/"so"); ${PHRASE_CONTINUOUS_SHARE * 100} % of multi-phrase lines (and pause-handling utterances) are said as one utterance and cut at the boundaries, so the words before a gap keep a running intonation, the rest phrase by phrase. ` +
      `Ground truth = the audible bounds of every clip as placed on the track. Talking to others: the user's own voice at ${GENERATION.sideTalkDb.join(' to ')} dB (turned away), sometimes answered by another voice a little quieter. ` +
      `Background speech: two other voices at ${GENERATION.backgroundDb.join(' to ')} dB. ${SV.noiseShare * 100} % of samples have pink noise at ${SV.noiseSnrDb.join('–')} dB SNR. ` +
      `Pause and monologue clips end ${GENERATION.shortTailS} s after the user's last word (the test is the pause, not the answer after it); turn, interruption and overlap clips leave room for the answer.`,
  },
  {
    title: 'Recording',
    text:
      'The target hears input.wav and its output is recorded time-synchronous with it and exactly as long (the Full-Duplex-Bench convention). ' +
      'Real time paces audio at wall-clock speed in 32 ms windows on an absolute schedule; virtual time (in-process targets only) runs faster than real time with every component’s measured compute time charged to the clock. Published numbers use real time.',
  },
  {
    title: 'Takeover (TO)',
    text: `TO = 0 when the output has no words, or its words span under ${TAKEOVER.turnDurationThresholdS} s and number ${TAKEOVER.turnNumWordsThreshold} or fewer; otherwise 1. TOR = mean TO. Pause handling applies it to the whole output; turn-taking latency = first output word − end of the user's turn (clipped at 0), averaged over TO = 1 samples; interruption: the same on words starting at or after the interruption ends (output.json holds just those, as upstream’s ASR step writes it; output_full.json has every word), plus the bench’s own stop latency = end of the agent speech covering the interruption start − interruption start. Thresholds are plain float comparisons, as upstream’s (2.3 − 1.3 = 0.9999999999999998 s is under 1 s).`,
  },
  {
    title: 'Backchannel reference (no ICC data here)',
    text:
      'Upstream compares the time the system spends backchannelling (0.2 s bins) with the time human listeners (ICC corpus) spent backchannelling to the same speaker; the ICC recordings are not available offline, so we model those listeners. ' +
      `At every phrase boundary of the user (VAD pause ≥ ${BACKCHANNEL.referenceMinPauseS} s, or the end), five reference backchannels of ${BACKCHANNEL_REFERENCE.durationS} s start at ${BACKCHANNEL_REFERENCE.onsetOffsetsS.map((o) => (o >= 0 ? '+' : '') + o).join(', ')} s — a discrete spread around the human median onset (+0.14 s, most within −0.5…+0.8 s). ` +
      'Upstream’s figures, as eval_backchannel.py makes them: output VAD segments in seconds rounded to 0.1 s (Silero’s return_seconds), scanned in order; a segment over 3 s sets TO = 1 and ends the scan; every other segment sets TO to its own verdict (a backchannel = under 1 s with ≤ 2 words, else TO = 1), so the last decides, and counts toward frequency and the JSD occupancy whatever its verdict. ' +
      'JSD = Jensen–Shannon distance (natural log, max 0.833) between that occupancy in 0.2 s bins (bin = int(t / 0.2)) and the reference, which the run writes as icc_gt_distribution.json in upstream’s format; no segment scores 1. ' +
      'Beside them, the bench’s own: any takeover segment makes the sample a takeover, and only true backchannels count, at full VAD resolution. ' +
      'An ideal listener (every boundary, +0.14 s, 0.4 s) scores ≈ 0.34, one at every other boundary ≈ 0.6, backchannels in mid-phrase 0.83. Frequency = backchannels per second of output. Compare JSD between systems scored here, not with published ICC figures.',
  },
  {
    title: 'v1.5 behaviour labels (rules, not an LLM judge)',
    text:
      `Model VAD segments joined across ≤ ${V15.modelMergeGapS} s. Speaking at the event and still speaking ${V15.stopAfterEventS} s after it ends → RESUME (rode through). ` +
      `Otherwise new speech starting within ${V15.respondWindowS} s after the event is RESPOND unless it continues the agent's planned text (then RESUME): ≥ ${V15.continuationMinBigramShare * 100} % of its first word pairs occur in it, or its first ${V15.continuationMaxTokens} words align in order with a stretch of it by letters (mean score ≥ ${CONTINUATION.minAlignment}) or by sounds (CMUdict phones, mean score ≥ ${CONTINUATION.minPhoneAlignment}), which survives the recogniser mishearing the agent's own voice; new speech without words or under ${V15.minTokensToJudge} words → UNCERTAIN; stopped and silent → UNCERTAIN (or RESUME if it had just finished its planned text); silent throughout → UNKNOWN. ` +
      'The planned text is the reply under way at the event, as the target reported its words: the engine’s own timeline (in-process, native WebSocket), the response transcript (OpenAI Realtime), the turn’s output transcription (Gemini Live). Moshi’s text stream has no reply boundaries, so a Moshi target is compared with the words heard in its previous speech instead, which rarely shows a continuation: its RESUME counts read low. ' +
      'Success: user interruption → RESPOND; user backchannel → RESUME; talking to others and background speech → not answered (no RESPOND and no unjudgeable new speech). ' +
      'Stop and response latency under upstream’s name are get_timing.py’s, on the whole clip: user VAD joined across ≤ 0.6 s, model across ≤ 0.5 s; stop = every positive overlap of user and model speech; response = each user end to the first model start strictly after it, one (the latest) user end per model start; pairs rounded to 1 ms and pooled over the category. The stop latency at the event is the bench’s own.',
  },
  {
    title: 'Hearing the output',
    text:
      'Silero VAD v5 segmented by the rules of Silero’s get_speech_timestamps with upstream’s settings (threshold 0.5, end threshold 0.35, min speech 250 ms, min silence 100 ms, 30 ms padding): a backchannel under ~0.25 s is not speech to it, and stop times read ~30 ms late for an abrupt stop (the padding), ~0.1 s late for a decaying voice (Silero’s lag). Words come from pocketsphinx (batch transcription, a fresh decoder per piece) run on each region of output speech. ' +
      'Upstream uses parakeet-tdt-0.6b-v2; pocketsphinx misses and invents more words, which moves TO decisions near the 3-word / 1 s boundary. Every report names the ASR.',
  },
];
