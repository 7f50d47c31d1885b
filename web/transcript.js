// The live transcript: the user's words as they are recognised (partials, then the final text),
// the agent's words as they come out of the speaker, and interrupted turns visibly cut.

/** Words of an interrupted answer shown struck through; the rest is counted. */
const UNHEARD_WORDS_SHOWN = 14;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class TranscriptView {
  /** @param {HTMLOListElement} list @param {HTMLElement} empty */
  constructor(list, empty) {
    this.list = list;
    this.empty = empty;
    this.user = null; // the user's turn being recognised
    this.agent = null; // the agent's current reply
    this.scrolledUp = false;
    list.addEventListener('scroll', () => {
      this.scrolledUp = list.scrollHeight - list.scrollTop - list.clientHeight > 60;
    });
  }

  clear() {
    this.list.replaceChildren();
    this.user = null;
    this.agent = null;
    this.scrolledUp = false;
    this.empty.hidden = false;
  }

  notice(text, isError = false) {
    this.add(el('li', `notice${isError ? ' error' : ''}`, text));
  }

  userPartial(text) {
    if (!text.trim()) return;
    if (!this.user) this.user = this.message('user', 'You');
    this.user.li.classList.add('partial');
    this.user.text.textContent = text;
    this.scroll();
  }

  userFinal(text) {
    if (!text.trim()) {
      this.user?.li.remove();
      this.user = null;
      return;
    }
    if (!this.user) this.user = this.message('user', 'You');
    this.user.li.classList.remove('partial');
    this.user.text.textContent = text;
    this.user = null;
    this.scroll();
  }

  /** A reply is coming: show it as pending until its first words are heard. */
  agentReplyStart() {
    this.agent = this.message('agent', 'AI');
    this.agent.li.classList.add('pending');
    this.agent.full = '';
    this.scroll();
  }

  agentText(text) {
    if (!this.agent) this.agentReplyStart();
    this.agent.full = this.agent.full ? `${this.agent.full} ${text}` : text;
  }

  /** The words heard so far (the server follows the page's playback position). */
  spoken(text) {
    const a = this.agent;
    if (!a || a.cut) return;
    a.li.classList.remove('pending');
    a.li.classList.toggle('speaking', text.length < (a.full ?? '').length);
    a.text.textContent = text;
    this.scroll();
  }

  agentCompleted() {
    const a = this.agent;
    if (!a) return;
    a.li.classList.remove('pending', 'paused');
    // The tail may still be playing; `spoken` finishes the text, this only guarantees it ends whole.
    a.done = true;
    setTimeout(() => {
      if (a.cut) return;
      a.li.classList.remove('speaking');
      if (a.full) a.text.textContent = a.full;
    }, 900);
  }

  agentPaused(paused) {
    const a = this.agent;
    if (!a || a.cut || a.done) return;
    a.li.classList.toggle('paused', paused);
    this.chip(a, 'paused', paused ? 'paused — listening to you' : null);
  }

  /** Barge-in confirmed: keep what was heard, strike through what never played. */
  agentTruncated(heardText, fullText, stopMs) {
    const a = this.agent ?? this.message('agent', 'AI');
    a.cut = true;
    a.li.classList.remove('pending', 'speaking', 'paused');
    a.li.classList.add('interrupted');
    this.chip(a, 'paused', null);
    const stick = this.atBottom();
    const rest = (fullText.startsWith(heardText) ? fullText.slice(heardText.length) : fullText).trim().split(/\s+/).filter(Boolean);
    a.text.textContent = heardText;
    if (rest.length > 0) {
      // A long answer cut early would bury the conversation: show the start of what was never said.
      const shown = rest.slice(0, UNHEARD_WORDS_SHOWN).join(' ');
      const more = rest.length - UNHEARD_WORDS_SHOWN;
      const unheard = el('span', 'unheard', (heardText ? ' ' : '') + shown + (more > 0 ? ' …' : ''));
      unheard.title = 'Never spoken: the agent stopped when you cut in, and remembers only what you heard.';
      a.bubble.insertBefore(unheard, a.meta);
      if (more > 0) this.chip(a, 'more', `${more} more words not spoken`);
    }
    this.chip(a, 'cut', stopMs === undefined ? 'interrupted' : `interrupted · stopped in ${stopMs} ms`);
    this.agent = null;
    if (stick) this.toBottom();
  }

  backchannel(text) {
    const li = el('li', 'msg backchannel');
    li.append(el('div', 'bubble', text));
    this.add(li);
  }

  /** Response latency of the current reply. */
  latency(ms, detail) {
    const a = this.agent;
    if (!a) return;
    const c = this.chip(a, 'latency', `⚡ ${ms} ms`);
    if (c) c.title = detail;
  }

  /** Where the turn's response time went (the engine's turn_latency stages), on the answer it belongs to. */
  stages(text, detail) {
    const a = this.agent;
    if (!a) return;
    const c = this.chip(a, 'stages', text);
    if (c) c.title = detail;
  }

  // ------------------------------------------------------------------ helpers
  message(kind, initials) {
    const li = el('li', `msg ${kind}`);
    li.dataset.testid = `msg-${kind}`;
    const bubble = el('div', 'bubble');
    const text = el('span', kind === 'agent' ? 'spoken text' : 'text');
    const meta = el('div', 'meta');
    bubble.append(text, meta);
    li.append(el('div', 'avatar', initials), bubble);
    this.add(li);
    return { li, bubble, text, meta, chips: {}, full: '', cut: false, done: false };
  }

  chip(m, kind, text) {
    let c = m.chips[kind];
    if (text === null) {
      c?.remove();
      delete m.chips[kind];
      return null;
    }
    if (!c) {
      c = m.chips[kind] = el('span', `chip ${kind}`);
      m.meta.append(c);
    }
    c.textContent = text;
    return c;
  }

  add(node) {
    this.empty.hidden = true;
    const stick = this.atBottom();
    this.list.append(node);
    if (stick) this.toBottom();
  }

  /** Follow the conversation unless the person scrolled up to read. */
  scroll() {
    if (!this.scrolledUp) this.toBottom();
  }

  atBottom() {
    return !this.scrolledUp;
  }

  toBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}
