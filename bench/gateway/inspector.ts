import { WebSocket } from "ws";
import { z } from "zod";

const targets = z.array(z.object({ webSocketDebuggerUrl: z.string() }));
const memoryUsage = z.object({ rss: z.number(), heapTotal: z.number(), heapUsed: z.number(), external: z.number(), arrayBuffers: z.number() });
const reply = z.object({ id: z.number(), result: z.unknown().optional(), error: z.unknown().optional() });
const evaluated = z.object({ result: z.object({ value: z.string() }) });

export type MemoryUsage = z.infer<typeof memoryUsage>;

export type Inspector = {
  /** A full garbage collection (HeapProfiler.collectGarbage), then process.memoryUsage() inside the process. */
  memoryAfterGc(): Promise<MemoryUsage>;
  close(): void;
};

/**
 * The DevTools protocol of a process started with `--inspect=127.0.0.1:<port>`:
 * the only way to force a full GC in a process that does not expose one, so
 * "after" and "before" both mean "what is still reachable".
 */
export async function connectInspector(port: number): Promise<Inspector> {
  const list = targets.parse(await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(5_000) })).json());
  const target = list[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (message: z.infer<typeof reply>) => void>();
  socket.on("message", (data: Buffer) => {
    const parsed = reply.safeParse(JSON.parse(data.toString("utf8")));
    if (parsed.success) waiting.get(parsed.data.id)?.(parsed.data);
  });
  function call(method: string, params: Record<string, unknown> = {}): Promise<z.infer<typeof reply>> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} got no answer in 30 s`)), 30_000);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (message.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }
  return {
    async memoryAfterGc() {
      // Twice: objects with finalizers or weak references may need a second pass.
      await call("HeapProfiler.collectGarbage");
      await call("HeapProfiler.collectGarbage");
      const answer = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
      const parsed = evaluated.safeParse(answer.result);
      if (!parsed.success) throw new Error(`process.memoryUsage() was not evaluated: ${JSON.stringify(answer.result)}`);
      return memoryUsage.parse(JSON.parse(parsed.data.result.value));
    },
    close: () => socket.close(),
  };
}
