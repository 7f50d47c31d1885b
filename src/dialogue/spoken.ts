/**
 * Numbers, times and dates spelt out as words, because the TTS engines read "4:25 PM" or "1200 ms"
 * unpredictably but always read words well. Also the reverse (spoken digits → digits) for dictation.
 */
import { FullduplexError } from '../errors.js';

const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: readonly [number, string][] = [
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
  [1e3, 'thousand'],
];

function below100(n: number): string {
  if (n < 20) return ONES[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? t : `${t}-${ONES[n % 10]}`;
}

function below1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  if (h === 0) return below100(r);
  return r === 0 ? `${ONES[h]} hundred` : `${ONES[h]} hundred ${below100(r)}`;
}

/** 1840 → "one thousand eight hundred forty"; 0.5 → "zero point five"; -3 → "minus three". */
export function numberWords(n: number): string {
  if (!Number.isFinite(n)) throw new FullduplexError('BAD_ARGUMENT', `numberWords: ${n} is not a finite number`);
  if (n < 0) return `minus ${numberWords(-n)}`;
  if (!Number.isInteger(n)) {
    // Decimals are read digit by digit, the way people say "twelve point five".
    const [int, frac] = String(n).split('.');
    return `${numberWords(Number(int))} point ${[...(frac ?? '')].map((d) => ONES[Number(d)]).join(' ')}`;
  }
  if (n >= 1e15) throw new FullduplexError('BAD_ARGUMENT', `numberWords: ${n} is too large to speak`);
  if (n < 1000) return below1000(n);
  const parts: string[] = [];
  let rest = n;
  for (const [value, name] of SCALES) {
    if (rest >= value) {
      parts.push(`${below1000(Math.floor(rest / value))} ${name}`);
      rest %= value;
    }
  }
  if (rest > 0) parts.push(below1000(rest));
  return parts.join(' ');
}

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** 1 → "first", 22 → "twenty-second", 30 → "thirtieth". */
export function ordinalWords(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new FullduplexError('BAD_ARGUMENT', `ordinalWords: ${n} is not a positive integer`);
  const words = numberWords(n);
  const m = /^(.*?)([a-z]+)$/.exec(words)!;
  const head = m[1]!;
  const last = m[2]!;
  const ord = IRREGULAR_ORDINALS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return head + ord;
}

/** 2026 → "twenty twenty-six", 2005 → "two thousand five", 1999 → "nineteen ninety-nine". */
export function yearWords(year: number): string {
  if (!Number.isInteger(year) || year < 1) throw new FullduplexError('BAD_ARGUMENT', `yearWords: ${year} is not a year`);
  if (year >= 2000 && year < 2010) return numberWords(year);
  if (year < 1100 || year % 1000 === 0 || year >= 10000) return numberWords(year);
  const hi = Math.floor(year / 100);
  const lo = year % 100;
  if (lo === 0) return `${numberWords(hi)} hundred`;
  return `${numberWords(hi)} ${lo < 10 ? `oh ${ONES[lo]}` : below100(lo)}`;
}

export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** 16:25 → "four twenty-five in the afternoon"; 12:00 → "twelve noon"; 0:00 → "midnight". */
export function timeWords(hours: number, minutes: number): string {
  if (!Number.isInteger(hours) || hours < 0 || hours > 23 || !Number.isInteger(minutes) || minutes < 0 || minutes > 59) {
    throw new FullduplexError('BAD_ARGUMENT', `timeWords: ${hours}:${minutes} is not a time of day`);
  }
  if (minutes === 0 && hours === 0) return 'midnight';
  if (minutes === 0 && hours === 12) return 'twelve noon';
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const clock = minutes === 0 ? `${numberWords(h12)} o'clock` : minutes < 10 ? `${numberWords(h12)} oh ${ONES[minutes]}` : `${numberWords(h12)} ${below100(minutes)}`;
  const period = hours < 5 ? 'at night' : hours < 12 ? 'in the morning' : hours < 17 ? 'in the afternoon' : hours < 21 ? 'in the evening' : 'at night';
  return `${clock} ${period}`;
}

/** 160 → "one hundred sixty milliseconds"; 1200 → "one point two seconds". */
export function durationWords(ms: number): string {
  if (ms < 1000) return `${numberWords(ms)} ${ms === 1 ? 'millisecond' : 'milliseconds'}`;
  const s = Math.round(ms / 100) / 10;
  return `${numberWords(s)} ${s === 1 ? 'second' : 'seconds'}`;
}

/** A parameter count in billions as words: 7 → "seven billion", 0.5 → "half a billion". */
export function billionsWords(billions: number): string {
  if (billions === 0.5) return 'half a billion';
  return `${numberWords(billions)} billion`;
}

// ---------------------------------------------------------------- spoken digits → digits

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7',
  eight: '8', nine: '9',
};
/** Homophones a recogniser often writes for digits; accepted only next to a real digit. */
const WEAK_DIGIT_WORDS: Record<string, string> = { to: '2', too: '2', for: '4', won: '1', ate: '8' };

/**
 * Finds the longest run of spoken or written digits in lower-case words ("five five five one two",
 * "double five", "555 1234"). Returns the digits as a string ('' if none).
 */
export function longestDigitRun(words: readonly string[]): string {
  let best = '';
  let run = '';
  let trailingWeak = 0; // weak digits at the end of `run`, dropped if the run stops there
  const close = () => {
    const kept = run.slice(0, run.length - trailingWeak);
    if (kept.length > best.length) best = kept;
    run = '';
    trailingWeak = 0;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^\d+$/.test(w)) {
      run += w;
      trailingWeak = 0;
    } else if (DIGIT_WORDS[w] !== undefined) {
      // "o" and "oh" are letters or interjections unless they sit inside a run of digits.
      if ((w === 'o' || w === 'oh') && run === '') continue;
      run += DIGIT_WORDS[w];
      trailingWeak = 0;
    } else if ((w === 'double' || w === 'triple') && DIGIT_WORDS[words[i + 1] ?? ''] !== undefined) {
      run += DIGIT_WORDS[words[i + 1]!]!.repeat(w === 'double' ? 1 : 2);
      trailingWeak = 0;
    } else if (WEAK_DIGIT_WORDS[w] !== undefined && run !== '') {
      run += WEAK_DIGIT_WORDS[w];
      trailingWeak++;
    } else {
      close();
    }
  }
  close();
  return best;
}

/** Speaks a digit string in the groups people use for phone numbers: "five five five, one two three four". */
export function digitGroupsWords(digits: string): string {
  const groups: string[] = [];
  const n = digits.length;
  let sizes: number[];
  if (n === 7) sizes = [3, 4];
  else if (n === 10) sizes = [3, 3, 4];
  else if (n === 11) sizes = [1, 3, 3, 4];
  else if (n <= 4) sizes = [n];
  else {
    sizes = [];
    let left = n;
    while (left > 4) {
      sizes.push(3);
      left -= 3;
    }
    sizes.push(left);
  }
  let at = 0;
  for (const size of sizes) {
    groups.push([...digits.slice(at, at + size)].map((d) => ONES[Number(d)]).join(' '));
    at += size;
  }
  return groups.join(', ');
}

/**
 * Spells out the numbers in catalog prose that TTS engines read badly: years ("2026") and family
 * numbers ("Family 1"). Version numbers inside names ("Qwen2.5", "CC BY 4.0") are left alone.
 */
export function speakable(text: string): string {
  return text
    .replace(/\b(19\d\d|20\d\d)\b(?![.,]\d)/g, (y) => yearWords(Number(y)))
    .replace(/\b(Famil(?:y|ies)) ([1-4])\b(?!\.\d)/g, (_, f: string, n: string) => `${f} ${numberWords(Number(n))}`)
    .replace(/\b(Family (?:one|two|three) (?:or|and)) ([1-4])\b/g, (_, head: string, n: string) => `${head} ${numberWords(Number(n))}`);
}
