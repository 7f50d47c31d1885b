// The page: wires the microphone and speaker (audio.js), the protocol (client.js), the transcript
// (transcript.js) and the turn timeline (timeline.js), and shows the person what is going on.
import { AudioIO } from './audio.js';
import { Client } from './client.js';
import { TranscriptView } from './transcript.js';
import { DECISIONS, TimelineView } from './timeline.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), statusLabel: $('status-label'), clock: $('session-clock'),
  banner: $('banner'), bannerText: $('banner-text'), bannerAction: $('banner-action'), bannerClose: $('banner-close'),
  start: $('start'), activity: $('activity'), face: $('agent-face'), micLevel: $('mic-level'),
  voice: $('voice'), eagerness: $('eagerness'), lastDecision: $('last-decision'),
  typed: $('typed'), typedText: $('typed-text'), typedSend: $('typed-send'),
  stat: { last: $('stat-last'), median: $('stat-median'), turns: $('stat-turns'), barge: $('stat-barge'), buffer: $('stat-buffer'), underruns: $('stat-underruns') },
};

/** Everything a test (or a curious person in the console) may want to read. */
const debug = (window.fullduplex = { state: 'idle', events: [], micFrames: 0, playback: { position: 0, buffered: 0, underruns: 0, audibleMs: 0 }, latenciesMs: [], errors: [] });

let audio = null;
let client = null;
let clockOffset = 0; // performance.now()/1000 − session time
let sessionStart = 0;
let outputRate = 16000;
let recorded = false;
/** Per-turn bookkeeping for the latency readout and the "stopped in … ms" of a barge-in. */
const turn = { lastStop: null, pausedAt: null, bargeStopMs: undefined };
const transcript = new TranscriptView($('transcript'), $('empty'));
const timeline = new TimelineView($('timeline'), () => performance.now() / 1000 - clockOffset);

// ------------------------------------------------------------------ connection state
function setState(state, label) {
  debug.state = state;
  ui.status.dataset.state = state;
  ui.statusLabel.textContent = label;
  const live = state === 'live';
  ui.start.dataset.live = String(live);
  ui.start.textContent = live ? 'End conversation' : state === 'connecting' ? 'Connecting…' : 'Start conversation';
  ui.start.disabled = state === 'connecting';
  ui.voice.disabled = ui.eagerness.disabled = live || state === 'connecting';
  ui.typedText.disabled = ui.typedSend.disabled = !live;
  if (!live) setActivity('idle', state === 'connecting' ? 'Opening the microphone…' : 'Not connected');
}

function setActivity(kind, text) {
  ui.face.dataset.activity = kind;
  ui.activity.textContent = text;
}

function showBanner(text, { kind = 'error', action = null } = {}) {
  ui.banner.dataset.kind = kind;
  ui.bannerText.textContent = text;
  ui.bannerAction.hidden = !action;
  ui.bannerAction.onclick = action;
  ui.banner.hidden = false;
}
ui.bannerClose.onclick = () => (ui.banner.hidden = true);

// ------------------------------------------------------------------ start / stop
async function start() {
  ui.banner.hidden = true;
  setState('connecting', 'Connecting…');
  transcript.clear();
  timeline.reset();
  Object.assign(turn, { lastStop: null, pausedAt: null, bargeStopMs: undefined });
  debug.events = [];
  debug.latenciesMs = [];
  ui.stat.barge.textContent = '0';
  updateStats();
  try {
    audio = new AudioIO({
      onFrame: (pcm) => {
        debug.micFrames++;
        client?.sendAudio(pcm);
      },
      onMicLevel: (level) => (ui.micLevel.style.width = `${Math.min(100, Math.sqrt(level) * 260)}%`),
      onPosition: (p) => {
        Object.assign(debug.playback, p);
        client?.send({ type: 'playback', position: p.position, buffered: p.buffered, underruns: p.underruns });
        ui.face.style.setProperty('--level-scale', String(1 + Math.min(0.35, p.level * 4)));
        ui.stat.buffer.textContent = `${Math.round((p.buffered / outputRate) * 1000)} ms`;
        ui.stat.underruns.textContent = String(p.audibleUnderruns);
      },
      onFlushed: (f) => client?.send({ type: 'flushed', position: f.position, dropped: f.dropped }),
    });
    await audio.openMicrophone();
    client = new Client({ onReady, onAudio: (pcm) => audio?.play(pcm), onMessage, onClose });
    // Only what the user chose: untouched, the server's default (or the page's key's session settings) applies.
    await client.connect({ inputSampleRate: audio.sampleRate, voice: chosen(ui.voice), eagerness: chosen(ui.eagerness) });
  } catch (e) {
    await teardown();
    setState('error', 'Not connected');
    showBanner(e.message, { action: start });
    debug.errors.push(e.message);
  }
}

async function stop() {
  client?.stop();
}

async function teardown() {
  const a = audio;
  audio = null;
  await a?.close();
  ui.micLevel.style.width = '0%';
}

function onReady(m) {
  outputRate = m.outputSampleRate;
  recorded = !!m.config.recording;
  clockOffset = performance.now() / 1000 - m.t;
  sessionStart = performance.now();
  audio.startPlayback(m);
  timeline.live = true;
  setState('live', 'Live');
  setActivity('listening', 'Listening — go ahead');
  transcript.notice(`Connected · voice ${m.config.voice} · ${m.config.eagerness} eagerness · ${m.config.dialogue} dialogue model`);
}

function onClose(code, message, endedByUs) {
  const wasLive = debug.state === 'live';
  timeline.freeze();
  void teardown();
  if (endedByUs || code === 1000) {
    setState('ended', 'Ended');
    transcript.notice(recorded ? 'Conversation ended. The server keeps its recording and transcript.' : 'Conversation ended.');
  } else {
    setState('error', 'Disconnected');
    if (wasLive) showBanner(message, { action: start });
    transcript.notice(message, true);
  }
  client = null;
}

// ------------------------------------------------------------------ server messages
function onMessage(m) {
  switch (m.type) {
    case 'event':
      return onEvent(m.event);
    case 'spoken':
      if (m.kind === 'reply') transcript.spoken(m.text);
      return;
    case 'flush':
      return audio?.flush();
    case 'error':
      debug.errors.push(`${m.code}: ${m.message}`);
      if (m.fatal) showBanner(m.message);
      else transcript.notice(`Server: ${m.message}`, true);
      return;
    case 'end':
      return; // the close that follows explains it
  }
}

function onEvent(e) {
  debug.events.push(e);
  timeline.onEvent(e);
  switch (e.type) {
    case 'user_speech_start':
      if (turn.pausedAt !== null && e.onset <= turn.pausedAt + 0.001) turn.bargeStopMs = Math.round((turn.pausedAt - e.onset) * 1000);
      setActivity('hearing', 'Hearing you…');
      break;
    case 'user_speech_stop':
      turn.lastStop = e.t;
      setActivity('listening', 'Listening');
      break;
    case 'transcript_partial':
      transcript.userPartial(e.text);
      break;
    case 'transcript_final':
      transcript.userFinal(e.text);
      break;
    case 'user_text':
      transcript.userFinal(e.text);
      break;
    case 'agent_reply_start':
      transcript.agentReplyStart();
      setActivity('thinking', 'Thinking…');
      break;
    case 'agent_text':
      transcript.agentText(e.text);
      break;
    case 'agent_speech_start':
      if (e.kind === 'reply') {
        setActivity('speaking', 'Speaking — interrupt any time');
        if (turn.lastStop !== null) reportLatency(e.t - turn.lastStop);
        turn.lastStop = null;
      }
      break;
    case 'agent_speech_stop':
      if (e.kind === 'reply' && e.reason === 'completed') transcript.agentCompleted();
      setActivity('listening', 'Listening');
      break;
    case 'agent_paused':
      turn.pausedAt = e.t;
      transcript.agentPaused(true);
      setActivity('paused', 'Paused — listening to you');
      break;
    case 'agent_resumed':
      turn.pausedAt = null;
      transcript.agentPaused(false);
      setActivity('speaking', 'Speaking');
      break;
    case 'agent_speech_truncated':
      transcript.agentTruncated(e.heardText, e.fullText, turn.bargeStopMs);
      turn.pausedAt = null;
      turn.bargeStopMs = undefined;
      ui.stat.barge.textContent = String(Number(ui.stat.barge.textContent) + 1);
      break;
    case 'backchannel':
      transcript.backchannel(e.text);
      break;
    case 'decision':
      if (DECISIONS[e.action]) ui.lastDecision.textContent = `${DECISIONS[e.action].label}: ${e.reason}`;
      break;
    case 'turn_latency':
      showStages(e.stages);
      break;
    case 'error':
      transcript.notice(`${e.component}: ${e.message}`, true);
      break;
  }
}

/**
 * The seed's point made visible: the "decision" (the predictor's commit, what many systems call their
 * latency) beside the first audio handed to the speaker, both counted from the end of the user's speech.
 */
function showStages(s) {
  const from = s.speechEnd ?? s.silence ?? s.commit;
  const ms = (t) => (t === null || t === undefined ? '—' : `${Math.round((t - from) * 1000)} ms`);
  transcript.stages(
    `decision ${ms(s.commit)} · first audio ${ms(s.heard)}`,
    [
      'From the end of your speech:',
      `silence detected ${ms(s.silence)}`,
      `turn taken (the predictor's decision) ${ms(s.commit)}`,
      `first clause from the dialogue model ${ms(s.firstClause)}${s.speculative ? ' (prepared speculatively)' : ''}`,
      `first synthesized audio ${ms(s.firstAudio)}`,
      `first sample sent to your speaker ${ms(s.heard)}`,
    ].join('\n'),
  );
}

/** Response latency as heard: the engine's reaction plus the audio still queued ahead of the reply. */
function reportLatency(engineS) {
  const playoutMs = Math.round((debug.playback.buffered / outputRate) * 1000);
  const engineMs = Math.round(engineS * 1000);
  const total = engineMs + playoutMs;
  debug.latenciesMs.push(total);
  transcript.latency(total, `${engineMs} ms from the engine noticing you had stopped to the agent's first audio, plus ${playoutMs} ms of playout buffer`);
  updateStats();
}

function updateStats() {
  const l = debug.latenciesMs;
  ui.stat.turns.textContent = String(l.length);
  ui.stat.last.textContent = l.length ? `${l[l.length - 1]} ms` : '—';
  const sorted = [...l].sort((a, b) => a - b);
  ui.stat.median.textContent = l.length ? `${sorted[Math.floor((sorted.length - 1) / 2)]} ms` : '—';
}

// ------------------------------------------------------------------ boot
ui.start.onclick = () => (debug.state === 'live' ? stop() : start());
// A typed turn: the agent answers it aloud, as it would a spoken one.
ui.typed.onsubmit = (ev) => {
  ev.preventDefault();
  const text = ui.typedText.value.trim();
  if (!text || debug.state !== 'live' || !client) return;
  client.send({ type: 'text', text });
  ui.typedText.value = '';
};
setInterval(() => {
  if (debug.state !== 'live') return;
  const s = Math.floor((performance.now() - sessionStart) / 1000);
  ui.clock.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}, 500);

/** A select's value if the user changed it, else undefined. */
function chosen(select) {
  return select.dataset.chosen ? select.value || undefined : undefined;
}
for (const select of [ui.voice, ui.eagerness]) select.addEventListener('change', () => (select.dataset.chosen = '1'));

async function loadInfo() {
  try {
    const res = await fetch('/v1/info');
    const info = await res.json();
    for (const v of info.voices) ui.voice.append(new Option(v, v, v === info.defaults.voice, v === info.defaults.voice));
    for (const e of info.eagerness) ui.eagerness.append(new Option(e, e, e === info.defaults.eagerness, e === info.defaults.eagerness));
  } catch {
    showBanner('The server is not answering. Start it with `npm start` and reload this page.', { action: () => location.reload() });
  }
}
setState('idle', 'Ready');
void loadInfo();
