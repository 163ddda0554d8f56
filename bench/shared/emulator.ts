import { z } from "zod";
import { findFreePort } from "../../scripts/free-port";
import { fixture } from "./fixture";
import { controlCall } from "./http";
import { spawnTs, untilAnswering, type Child } from "./processes";

const createdUser = z.object({ id: z.string(), username: z.string() });
const grantedTokens = z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number() });
export type GrantedTokens = z.infer<typeof grantedTokens>;

/** A guild member with the updated-profile and free-agent roles, so they may create and join teams. */
export async function createMember(emulatorUrl: string, username: string): Promise<z.infer<typeof createdUser>> {
  return createdUser.parse(await controlCall(`${emulatorUrl}/__emulator/users`, { username, roles: [fixture.roles.updatedProfile, fixture.roles.freeAgent], member: true }));
}

/** Fresh OAuth tokens for `userId`, as the login would get them. */
export async function grantTokens(emulatorUrl: string, userId: string): Promise<GrantedTokens> {
  return grantedTokens.parse(await controlCall(`${emulatorUrl}/__emulator/tokens`, { user_id: userId }));
}

/**
 * The Discord emulator with its default (Discord's documented) limits, in a
 * process of its own so its work does not skew the clocks of the process
 * that measures.
 */
export async function startEmulatorProcess(logDir: string): Promise<{ url: string; child: Child }> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await untilAnswering(spawnTs("emulator", "emulator/main.ts", ["--port", String(port)], { logDir }), `${url}/__emulator/personas`, 30_000);
  return { url, child };
}
