import type { Logger } from "pino";
import type { PrimaryChange } from "../../redis/primary-watch";
import type { RateLimitKind } from "./limiter-store";
import type { HttpMethod } from "./route";

/** What the client reports; hooks for dashboards and alerts, also logged and counted in metrics. */
export type RestEvents = {
  /** Every HTTP answer, including the ones that become errors. */
  response: { method: HttpMethod; route: string; status: number; durationMs: number; attempt: number };
  /** A 429 arrived (it should be rare: every one counts toward a Cloudflare ban). */
  rateLimited: { method: HttpMethod; route: string; kind: RateLimitKind; retryAfterMs: number; bucket?: string };
  /** The egress IP's invalid-request count passed another warning step. */
  invalidRequestWarning: { count: number; refuseAt: number; windowMs: number };
  /** The client switched to or from the per-process fallback limiter. */
  fallback: { active: boolean; reason?: string };
  /** The client's Redis connection now reaches another server than before (a failover): what others keep there may have rolled back too. */
  primaryChange: PrimaryChange;
};

export type RestEventName = keyof RestEvents;
export type RestListener<E extends RestEventName> = (payload: RestEvents[E]) => void;

/** A tiny typed emitter; a throwing listener is logged and never breaks a request. */
export class RestEventHub {
  private readonly listeners: { [E in RestEventName]: Set<RestListener<E>> } = {
    response: new Set(),
    rateLimited: new Set(),
    invalidRequestWarning: new Set(),
    fallback: new Set(),
    primaryChange: new Set(),
  };

  constructor(private readonly log: Logger) {}

  /** Returns the function that removes the listener. */
  on<E extends RestEventName>(event: E, listener: RestListener<E>): () => void {
    const set = this.listeners[event] as Set<RestListener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends RestEventName>(event: E, payload: RestEvents[E]): void {
    for (const listener of this.listeners[event] as Set<RestListener<E>>) {
      try {
        listener(payload);
      } catch (error) {
        this.log.error({ err: error, event }, "a Discord REST event listener threw");
      }
    }
  }
}
