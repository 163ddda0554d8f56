import { gatewayKeyspace } from "@/lib/gateway";
import { findFreePort } from "../../scripts/free-port";
import { ensureAppBuild, startAppInstance, type AppBuild } from "../shared/app";
import { fixture } from "../shared/fixture";
import { sleep } from "../shared/kit";
import type { Child } from "../shared/processes";
import { benchTokenStore, signInUsers, withSessionCookies, type CookieUser } from "../shared/users";
import type { Cleanups, MirrorStack } from "./stack";

export type AppInstance = { url: string; child: Child };

/** The production build of the app (built once per state of the sources, then reused). */
export function liveAppBuild(stack: MirrorStack, progress: (message: string) => void): Promise<AppBuild> {
  return ensureAppBuild({ logDir: stack.logDir, env: stack.env, apiOnlyFallback: true, progress });
}

/**
 * `count` signed-in guild members (sessions minted as the login would, with
 * the app's secret), returned once the mirror holds every one of them.
 */
export async function signInMirroredUsers(stack: MirrorStack, count: number, prefix: string): Promise<CookieUser[]> {
  const tokens = benchTokenStore({ redis: stack.redis, secret: stack.secret, emulatorUrl: stack.emulatorUrl });
  const users = await withSessionCookies(await signInUsers({ emulatorUrl: stack.emulatorUrl, tokens, count, prefix }), stack.secret);
  const membersKey = gatewayKeyspace(fixture.guildId).members;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const held = await stack.redis.hmget(membersKey, ...users.map((user) => user.userId));
    if (held.every((record) => record !== null)) return users;
    if (Date.now() > deadline) throw new Error(`the mirror holds ${held.filter((record) => record !== null).length} of the ${users.length} users after 30 s`);
    await sleep(100);
  }
}

/** App processes (server/main.ts on the build) on the stack's environment, stopped by the clean-ups. */
export async function startAppInstances(stack: MirrorStack, build: AppBuild, cleanups: Cleanups, options: { count: number; env?: Record<string, string> }): Promise<AppInstance[]> {
  const instances: AppInstance[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const port = await findFreePort();
    const child = await startAppInstance(build, { name: `app-${index + 1}`, port, env: { ...stack.env, ...options.env }, logDir: stack.logDir });
    cleanups.push(() => child.stop());
    instances.push({ url: `http://127.0.0.1:${port}`, child });
  }
  return instances;
}
