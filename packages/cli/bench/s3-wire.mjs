// Helpers of the S3 sync benchmark: an HTTP proxy in front of the test server that counts the HTTP
// requests each tool sends, by S3 operation, the CPU time of a process, and the client CPU cost of
// single requests.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest } from "node:http";

/** The S3 operation of a request line's method and target (path and query). */
export function operationOf(method, target) {
  const [path, query = ""] = target.split("?");
  const params = new URLSearchParams(query);
  const onBucket = path.replace(/^\/+|\/+$/g, "").split("/").length <= 1;
  switch (method) {
    case "HEAD":
      return onBucket ? "HeadBucket" : "HeadObject";
    case "GET":
      if (params.has("uploads")) return "ListMultipartUploads";
      if (params.has("list-type")) return "ListObjectsV2";
      return onBucket ? "ListObjects" : "GetObject";
    case "PUT":
      if (params.has("uploadId")) return "UploadPart(Copy)";
      return onBucket ? "CreateBucket" : "PutObject/CopyObject";
    case "POST":
      if (params.has("uploads")) return "CreateMultipartUpload";
      if (params.has("uploadId")) return "CompleteMultipartUpload";
      return params.has("delete") ? "DeleteObjects" : "POST";
    case "DELETE":
      return params.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    default:
      return method;
  }
}

/**
 * An HTTP proxy to `endpoint` that counts the requests going through it by operation, and the TCP
 * connections clients open to it; it forwards each request over its own keep-alive connections.
 * `take()` returns the counts since the last call and starts over.
 */
export async function countingProxy(endpoint) {
  const target = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let counts = {};
  let connections = 0;
  const server = createServer((request, response) => {
    const name = operationOf(request.method, request.url);
    counts[name] = (counts[name] ?? 0) + 1;
    const upstream = httpRequest(
      { host: target.hostname, port: Number(target.port), method: request.method, path: request.url, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    take() {
      const taken = { ...counts, connections };
      counts = {};
      connections = 0;
      return taken;
    },
    close() {
      server.closeAllConnections();
      agent.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The CPU time (user + system, ms) process `pid` has used so far, from `/proc/<pid>/stat` (Linux). */
export function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Kernel clock ticks per second, the unit of `/proc/<pid>/stat`'s times. */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** `counts` as `Op=n, ...`, largest first, connections last. */
export function formatCounts(counts) {
  const { connections, ...ops } = counts;
  const parts = Object.entries(ops)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}=${n}`);
  return `${parts.join(", ")}; ${connections} TCP connections`;
}

/**
 * Client CPU per call of `call(i)`, in µs: `count` calls, `concurrency` at a time, after `warm`
 * untimed ones. Process CPU (user + system), so the server must run in another process.
 */
export async function cpuPerCall(call, { count = 2000, concurrency = 8, warm = 200 } = {}) {
  const run = async (n) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) await call(i);
      }),
    );
  };
  await run(warm);
  const before = process.cpuUsage();
  await run(count);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}
