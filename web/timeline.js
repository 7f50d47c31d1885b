// The turn-timeline strip: who is speaking (you, the agent), when the agent paused or was cut off,
// and what the duplex predictor decided, over the last WINDOW_S seconds of session time.

const WINDOW_S = 24;
const COLORS = { user: '#2dd4bf', agent: '#a78bfa', backchannel: '#c4b5fd', paused: '#fbbf24', cut: '#f87171', grid: '#243047', text: '#8b97ad', faint: '#5b6782' };

/** How each predictor action is drawn; actions not listed are not drawn (they show as lanes). */
export const DECISIONS = {
  take_turn: { label: 'take turn', color: '#4ade80', rank: 0 },
  cancel: { label: 'cut', color: '#f87171', rank: 0 },
  yield: { label: 'yield', color: '#fbbf24', rank: 1 },
  resume: { label: 'resume', color: '#2dd4bf', rank: 1 },
  backchannel: { label: 'backchannel', color: '#c4b5fd', rank: 1 },
  keep_talking: { label: 'keep talking', color: '#a78bfa', rank: 2 },
  ignore: { label: 'ignore', color: '#8b97ad', rank: 2 },
  hold: { label: 'hold', color: '#60a5fa', rank: 2 },
  speculate: { label: 'speculate', color: '#5b6782', rank: 3 },
};

export class TimelineView {
  /** @param {HTMLCanvasElement} canvas @param {() => number} now session time, s */
  constructor(canvas, now) {
    this.canvas = canvas;
    this.now = now;
    this.reset();
    const loop = () => {
      this.draw();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  reset() {
    this.user = []; // {start, end}
    this.agent = []; // {start, end, kind, cut}
    this.paused = []; // {start, end}
    this.decisions = []; // {t, action}
    this.live = false;
  }

  onEvent(e) {
    const last = (arr) => arr[arr.length - 1];
    switch (e.type) {
      case 'user_speech_start':
        this.user.push({ start: e.onset ?? e.t, end: null });
        break;
      case 'user_speech_stop':
        if (last(this.user) && last(this.user).end === null) last(this.user).end = e.t;
        break;
      case 'agent_speech_start':
        this.agent.push({ start: e.t, end: null, kind: e.kind, cut: false });
        break;
      case 'agent_speech_stop': {
        const a = last(this.agent);
        if (a && a.end === null) (a.end = e.t), (a.cut = e.reason !== 'completed');
        const p = last(this.paused);
        if (p && p.end === null) p.end = e.t;
        break;
      }
      case 'agent_paused':
        this.paused.push({ start: e.t, end: null });
        break;
      case 'agent_resumed':
        if (last(this.paused) && last(this.paused).end === null) last(this.paused).end = e.t;
        break;
      case 'decision':
        if (DECISIONS[e.action]) this.decisions.push({ t: e.t, action: e.action });
        break;
    }
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const labelW = 74;
    const now = this.live ? this.now() : this.frozenAt ?? 0;
    const t0 = Math.max(0, now - WINDOW_S);
    const x = (t) => labelW + ((t - t0) / WINDOW_S) * (w - labelW - 8);
    const lanes = { user: 14, agent: 44, predictor: 74 };
    const laneH = 20;

    g.font = '11px ui-sans-serif, system-ui, sans-serif';
    g.textBaseline = 'middle';
    g.fillStyle = COLORS.text;
    g.fillText('You', 6, lanes.user + laneH / 2);
    g.fillText('Agent', 6, lanes.agent + laneH / 2);
    g.fillText('Predictor', 6, lanes.predictor + laneH / 2);

    // Grid: one line per 2 s, labelled in session time.
    g.strokeStyle = COLORS.grid;
    g.lineWidth = 1;
    g.fillStyle = COLORS.faint;
    for (let s = Math.ceil(t0 / 2) * 2; s <= now; s += 2) {
      const gx = Math.round(x(s)) + 0.5;
      g.beginPath();
      g.moveTo(gx, 8);
      g.lineTo(gx, h - 16);
      g.stroke();
      g.fillText(`${s}s`, gx - 6, h - 7);
    }

    const bar = (seg, y, color, alpha = 1) => {
      const a = Math.max(seg.start, t0);
      const b = seg.end ?? now;
      if (b < t0) return;
      g.globalAlpha = alpha;
      g.fillStyle = color;
      roundRect(g, x(a), y + 3, Math.max(2, x(b) - x(a)), laneH - 6, 4);
      g.globalAlpha = 1;
    };
    for (const s of this.user) bar(s, lanes.user, COLORS.user);
    for (const s of this.agent) bar(s, lanes.agent, s.kind === 'backchannel' ? COLORS.backchannel : COLORS.agent, s.kind === 'backchannel' ? 0.7 : 1);
    for (const s of this.paused) bar(s, lanes.agent, COLORS.paused, 0.85);
    for (const s of this.agent) {
      if (!s.cut || s.end === null || s.end < t0) continue;
      g.fillStyle = COLORS.cut;
      g.fillRect(x(s.end) - 1.5, lanes.agent, 3, laneH);
    }

    // Decisions: a tick each; labels where there is room, the more telling decisions first.
    const visible = this.decisions.filter((d) => d.t >= t0);
    for (const d of visible) {
      const dx = x(d.t);
      g.fillStyle = DECISIONS[d.action].color;
      g.beginPath();
      g.moveTo(dx, lanes.predictor + 4);
      g.lineTo(dx + 4, lanes.predictor + laneH / 2);
      g.lineTo(dx, lanes.predictor + laneH - 4);
      g.lineTo(dx - 4, lanes.predictor + laneH / 2);
      g.fill();
    }
    const placed = [];
    const byRank = [...visible].sort((a, b) => DECISIONS[a.action].rank - DECISIONS[b.action].rank || b.t - a.t);
    for (const d of byRank) {
      const spec = DECISIONS[d.action];
      const lx = x(d.t) + 7;
      const lw = g.measureText(spec.label).width;
      if (placed.some(([a, b]) => lx < b + 6 && lx + lw > a - 6)) continue;
      placed.push([lx, lx + lw]);
      g.fillStyle = spec.color;
      g.fillText(spec.label, lx, lanes.predictor + laneH / 2);
    }

    // Now.
    if (this.live) {
      g.strokeStyle = 'rgba(230,235,245,0.5)';
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(x(now), 8);
      g.lineTo(x(now), h - 16);
      g.stroke();
      g.setLineDash([]);
    }
  }

  /** Stop the clock (the session ended) but keep the picture. */
  freeze() {
    this.frozenAt = this.now();
    this.live = false;
  }
}

function roundRect(g, x, y, w, h, r) {
  g.beginPath();
  g.moveTo(x + r, y);
  g.arcTo(x + w, y, x + w, y + h, Math.min(r, w / 2));
  g.arcTo(x + w, y + h, x, y + h, Math.min(r, w / 2));
  g.arcTo(x, y + h, x, y, Math.min(r, w / 2));
  g.arcTo(x, y, x + w, y, Math.min(r, w / 2));
  g.fill();
}
