import { RateLimitedError } from "./errors";

export type GateTicket = { probe: boolean };
type Waiter = { resolve(ticket: GateTicket): void; reject(error: Error): void; deadlineAt: number; route: string; timer?: NodeJS.Timeout };

/**
 * While the global limit is saturated, lets one of this process' requests at
 * a time ask Redis for a slot (the probe), instead of every waiting bucket
 * polling Redis at once. A granted probe lets the next waiter in immediately,
 * so a freed window drains at full speed.
 */
export class GlobalGate {
  private blockedUntil = 0;
  private probing = false;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly jitterMs: number) {}

  async pass(deadlineAt: number, route: string): Promise<GateTicket> {
    const now = Date.now();
    if (!this.probing && this.waiters.length === 0 && now >= this.blockedUntil) return { probe: false };
    if (this.blockedUntil > deadlineAt) throw new RateLimitedError(this.blockedUntil - now, "global", route);
    return new Promise<GateTicket>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, deadlineAt, route };
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new RateLimitedError(Math.max(this.blockedUntil - Date.now(), 1), "global", route));
      }, Math.max(deadlineAt - now, 0));
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  /** Reports a pass' result: `blockedUntilMs` when Redis answered with a global wait. */
  finish(ticket: GateTicket, blockedUntilMs?: number): void {
    if (blockedUntilMs !== undefined && blockedUntilMs > this.blockedUntil) {
      this.blockedUntil = blockedUntilMs;
      const doomed = this.waiters.filter((waiter) => waiter.deadlineAt < blockedUntilMs);
      this.waiters = this.waiters.filter((waiter) => waiter.deadlineAt >= blockedUntilMs);
      for (const waiter of doomed) {
        clearTimeout(waiter.timer);
        waiter.reject(new RateLimitedError(blockedUntilMs - Date.now(), "global", waiter.route));
      }
    }
    if (ticket.probe) this.probing = false;
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
  }

  private schedule(): void {
    if (this.probing || this.waiters.length === 0 || this.timer) return;
    const delay = this.blockedUntil - Date.now();
    if (delay <= 0) {
      this.releaseNext();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.releaseNext();
    }, delay + Math.random() * this.jitterMs);
  }

  private releaseNext(): void {
    if (this.probing) return;
    const next = this.waiters.shift();
    if (!next) return;
    clearTimeout(next.timer);
    this.probing = true;
    next.resolve({ probe: true });
  }
}
