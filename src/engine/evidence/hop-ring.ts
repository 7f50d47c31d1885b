/**
 * A ring of per-hop energies indexed by absolute hop number (stream time / hop). Each slot is tagged
 * with the hop it holds, so reading a hop that was never written, or was overwritten by a later
 * one, returns 0 (silence) instead of stale data, whatever order or gaps the writes came in.
 */
export class HopRing {
  private readonly val: Float64Array;
  private readonly tag: Float64Array;
  constructor(private readonly cap: number) {
    this.val = new Float64Array(cap);
    this.tag = new Float64Array(cap).fill(NaN); // NaN: empty (equal to no hop)
  }
  private slot(h: number): number {
    return ((h % this.cap) + this.cap) % this.cap;
  }
  add(h: number, v: number): void {
    const i = this.slot(h);
    if (this.tag[i] !== h) {
      this.tag[i] = h;
      this.val[i] = 0;
    }
    this.val[i] += v;
  }
  set(h: number, v: number): void {
    const i = this.slot(h);
    this.tag[i] = h;
    this.val[i] = v;
  }
  get(h: number): number {
    const i = this.slot(h);
    return this.tag[i] === h ? this.val[i]! : 0;
  }
  clear(): void {
    this.tag.fill(NaN);
  }
}
