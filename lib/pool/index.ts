import "server-only";

/*
 * The free-agent pool: free agents who switched on "looking for a team",
 * with their profile, for managers to find and offer a place. One file per
 * use case, each taking the context first (the teams feature's context).
 */
export { isLooking } from "./is-looking";
export { listPool } from "./list-pool";
export { refreshPoolEntry } from "./refresh-entry";
export { setLooking } from "./set-looking";
