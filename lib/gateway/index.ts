/**
 * What the app reads of the Gateway mirror. The worker itself
 * (createGatewayWorker in ./worker) runs in its own process, `npm run
 * gateway`, and is not exported here so the web bundle never loads the
 * WebSocket client.
 */
export { gatewayKeyspace, memberChangedChannel, type GatewayKeys } from "./keys";
export { gatewayPolicy, type GatewayPolicy } from "./policy";
export { subscribeMemberChanges, type MemberChange, type MemberChangeListener } from "./member-changed";
export { readMirrorStatus, readMirroredMember, readMirroredRoles, describeMirrorStatus, type MirrorStatus, type MirroredSnapshot } from "./status";
export type { MirroredRole } from "./mirror-ops";
