/**
 * Next.js runs `register` once when a server process starts. The checks live
 * in a Node-only module so the Edge bundle never sees `process.exit`.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("./lib/startup");
    await checkStartup();
  }
}
