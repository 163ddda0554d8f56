import { EnvError, getEnv } from "./env";

/** Validates configuration before the server answers anything: a bad variable stops it with one line naming it. */
export async function checkStartup(): Promise<void> {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
