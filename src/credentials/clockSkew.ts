/**
 * The offset between STS's clock and the local one (see sts.ts, whose responses feed it). Pure:
 * no SDK, no `vscode` import.
 */
import { Clock, systemClock } from '../shared/types';

/**
 * Server time minus local time, learned from the `Date` header of STS responses. STS expirations
 * are in server time; the refresh logic and the terminals compare them with the local clock, so
 * they are shifted by this offset. Offsets under 5 s (the header has 1 s resolution, plus latency)
 * are treated as zero.
 */
export class ClockSkew {
  private offset = 0;
  private known = false;
  constructor(readonly clock: Clock = systemClock) {}

  /** Records a server `Date` seen at local time `localNow`. */
  observe(serverTime: Date, localNow: number = this.clock.now()): void {
    if (Number.isNaN(serverTime.getTime())) return;
    this.offset = serverTime.getTime() - localNow;
    this.known = true;
  }

  /** Server minus local, in ms (0 until an STS response was seen). */
  get offsetMs(): number {
    return Math.abs(this.offset) < 5000 ? 0 : this.offset;
  }

  get isKnown(): boolean {
    return this.known;
  }

  /** A server-clock instant expressed on the local clock. */
  toLocal(serverTime: Date): Date {
    return new Date(serverTime.getTime() - this.offsetMs);
  }
}
