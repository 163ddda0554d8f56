/** The emulator's fixture guild and OAuth client, as in .env.example. */
export const fixture = {
  guildId: "1100000000000000001",
  roles: {
    updatedProfile: "1100000000000000101",
    freeAgent: "1100000000000000102",
    player: "1100000000000000103",
    teamManager: "1100000000000000104",
    tournamentAdmin: "1100000000000000105",
  },
  /** The bot: a guild member the control API's user list leaves out. */
  botUserId: "1300000000000000001",
  botToken: "emulator-bot-token",
  clientId: "1400000000000000001",
  clientSecret: "emulator-client-secret",
  scope: "identify guilds.members.read",
} as const;
