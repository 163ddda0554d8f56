import { z } from "zod";
import type { ReplicaHealth, ReplicationHealth } from "./answer";

/** What INFO replication says, read loosely: a field this version does not know is ignored, a missing one is unknown. */
export type ReplicationInfo = {
  role: "primary" | "replica";
  replicas: ReplicaHealth[];
  primaryLink: { address: string; up: boolean } | null;
};

/** Replicas acknowledge every second; one silent for longer than this is not confirming changes in time. */
export const replicaLagWarnSeconds = 3;

const infoFields = z.object({
  role: z.enum(["master", "slave"]).transform((role) => (role === "master" ? "primary" : "replica")),
  master_host: z.string().optional(),
  master_port: z.string().optional(),
  master_link_status: z.string().optional(),
});

const replicaLine = z.object({
  ip: z.string(),
  port: z.string(),
  state: z.string().default("unknown"),
  lag: z.coerce.number().int().nonnegative().optional().catch(undefined),
});

/** `a=1,b=2` into its pairs. */
function pairs(text: string): Record<string, string> {
  return Object.fromEntries(text.split(",").flatMap((pair) => {
    const at = pair.indexOf("=");
    return at > 0 ? [[pair.slice(0, at), pair.slice(at + 1)]] : [];
  }));
}

/** The `# Replication` section of INFO; null when it names no role (not a Redis answer this code understands). */
export function parseReplicationInfo(info: string): ReplicationInfo | null {
  const fields: Record<string, string> = {};
  const replicas: ReplicaHealth[] = [];
  for (const line of info.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (line.startsWith("#") || at <= 0) continue;
    const name = line.slice(0, at);
    const value = line.slice(at + 1).trim();
    if (/^slave\d+$/.test(name)) {
      const replica = replicaLine.safeParse(pairs(value));
      if (replica.success) replicas.push({ address: `${replica.data.ip}:${replica.data.port}`, state: replica.data.state, lagSeconds: replica.data.lag ?? null });
    } else fields[name] = value;
  }
  const parsed = infoFields.safeParse(fields);
  if (!parsed.success) return null;
  const { role, master_host: host, master_port: port, master_link_status: link } = parsed.data;
  return {
    role,
    replicas,
    primaryLink: role === "replica" ? { address: `${host ?? "?"}:${port ?? "?"}`, up: link === "up" } : null,
  };
}

/**
 * Replicas in sync with the server the app writes to, as Redis counts them
 * for WAIT; 0 when that server is itself a replica (it takes no writes to
 * confirm). One that is online but silent still counts: the panel says when
 * it lags.
 */
export function connectedReplicasOf(info: ReplicationInfo): number {
  return info.role === "primary" ? info.replicas.filter((replica) => replica.state === "online").length : 0;
}

/** Replicas that can confirm a change now: in sync, and heard from recently. */
function confirmingReplicas(replicas: readonly ReplicaHealth[]): number {
  return replicas.filter((replica) => replica.state === "online" && (replica.lagSeconds === null || replica.lagSeconds < replicaLagWarnSeconds)).length;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export type ReplicationSetting = {
  sentinel: { masterName: string; sentinels: string[] } | null;
  wait: { replicas: number; timeoutMs: number };
  primaryChanges: number;
  lastPrimaryChangeAt: number | null;
};

/**
 * Why actions may be refused or answered unsure, in the order an operator
 * would act on it. A replica that is connected but silent (lag) confirms
 * nothing either, so it does not count toward what WAIT needs.
 */
function replicationWarnings(info: ReplicationInfo | null, setting: ReplicationSetting): string[] {
  const wanted = setting.wait.replicas;
  if (info === null) return ["Redis did not answer INFO replication: whether replicas hold the changes is unknown."];
  if (info.role === "replica") {
    const link = info.primaryLink;
    return [
      `The app is connected to a replica (of ${link?.address ?? "an unknown primary"}, link ${link?.up ? "up" : "down"}), which refuses writes: every action fails until the app reaches the primary.`,
    ];
  }
  const online = connectedReplicasOf(info);
  const confirming = confirmingReplicas(info.replicas);
  const policy = `each change must reach ${plural(wanted, "replica", "replicas")} within ${setting.wait.timeoutMs} ms (REDIS_WAIT_REPLICAS=${wanted})`;
  if (wanted > 0 && online < wanted) {
    return [`Actions are refused until a replica is back: ${policy}, and ${online === 1 ? "1 is" : `${online} are`} connected.`];
  }
  if (wanted > 0 && confirming < wanted) {
    const silent = info.replicas.filter((replica) => replica.state === "online" && replica.lagSeconds !== null && replica.lagSeconds >= replicaLagWarnSeconds);
    const which = silent.map((replica) => `${replica.address} last confirmed ${replica.lagSeconds} s ago`).join(", ");
    return [`Actions may be answered "outcome unsure": ${policy}, and ${which}.`];
  }
  if (wanted === 0 && setting.sentinel !== null) {
    return ["REDIS_WAIT_REPLICAS is 0: an action answered as done may be lost if the primary fails before a replica copies it."];
  }
  return [];
}

/** The health panel's view of Redis replication: the server's role, its replicas, the WAIT policy and what they mean for actions. */
export function describeReplication(info: ReplicationInfo | null, setting: ReplicationSetting, nowMs: number): ReplicationHealth {
  return {
    statusRead: info !== null,
    role: info?.role ?? null,
    connectedReplicas: info === null ? null : connectedReplicasOf(info),
    replicas: info?.replicas ?? [],
    primaryLink: info?.primaryLink ?? null,
    sentinel: setting.sentinel,
    wait: setting.wait,
    primaryChanges: setting.primaryChanges,
    lastPrimaryChangeAgeSeconds: setting.lastPrimaryChangeAt === null ? null : Math.max(0, nowMs - setting.lastPrimaryChangeAt) / 1_000,
    warnings: replicationWarnings(info, setting),
  };
}

