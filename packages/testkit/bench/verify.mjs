// What the test S3 server's signature and body checks cost per request (issue 23): the checks
// alone, then HeadObject and 512 B PutObject through the SDK against two servers in this process,
// one checking and one not (`verify: false`), alternating, medians of the rounds. Costs are CPU
// time of this process (client and server), `process.cpuUsage()`, so that a loaded machine skews
// them less than wall time; wall time is printed beside.
// Scale: STOWAGE_BENCH_REQUESTS (default 4000 per kind and round), STOWAGE_BENCH_ROUNDS (default 3).
import { Agent } from "node:http";
import os from "node:os";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { startS3Server, verifySignature } from "@stowage/testkit/s3";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const REQUESTS = Number(process.env.STOWAGE_BENCH_REQUESTS ?? 4000);
const ROUNDS = Number(process.env.STOWAGE_BENCH_ROUNDS ?? 3);
const CONCURRENCY = 8;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`load ${os.loadavg()[0].toFixed(2)} (1-min) on ${os.cpus().length} cores; ${REQUESTS} requests per kind, ${ROUNDS} rounds`);

// 1. The checks alone.
const account = { accessKeyId: "test", secretAccessKey: "test" };
const signer = new SignatureV4({ credentials: account, region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
const base = { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 9000, path: "/bucket/some/key%20with%20space", query: { "x-id": "GetObject" } };
const headerSigned = await signer.sign(new HttpRequest({ ...base, headers: { host: "127.0.0.1:9000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }));
const presigned = await signer.presign(new HttpRequest({ ...base, headers: { host: "127.0.0.1:9000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }), { expiresIn: 600 });
const context = { accounts: new Map([["test", account]]), region: undefined, now: Date.now };
const asIncoming = (request) => {
  const query = new URLSearchParams(request.query).toString().replace(/\+/g, "%20");
  return { method: request.method, url: `${request.path}?${query}`, headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])) };
};
for (const [name, request] of [["header signature", headerSigned], ["presigned URL", presigned]]) {
  const incoming = asIncoming(request);
  const check = await verifySignature(incoming, context);
  if ("code" in check) throw new Error(`${name}: ${check.code}`);
  const n = REQUESTS * 5;
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await verifySignature(incoming, context);
  const used = process.cpuUsage(cpu);
  console.log(`verifySignature, ${name}: ${((used.user + used.system) / n).toFixed(1)} µs CPU per request`);
}

// 2. Through the SDK, checking server against non-checking server.
const servers = { checking: await startS3Server(), unchecked: await startS3Server({ verify: false }) };
const clients = {};
for (const [name, server] of Object.entries(servers)) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  clients[name] = new S3Client({ ...server.clientConfig, requestHandler: { httpAgent: agent } });
  await clients[name].send(new PutObjectCommand({ Bucket: server.bucket, Key: "head-me", Body: "x" }));
}
const body = Buffer.alloc(512, 7);
const kinds = {
  HeadObject: (name, i) => clients[name].send(new HeadObjectCommand({ Bucket: servers[name].bucket, Key: "head-me" })),
  "PutObject 512 B": (name, i) => clients[name].send(new PutObjectCommand({ Bucket: servers[name].bucket, Key: `put/${i % 500}`, Body: body })),
};
async function run(name, kind) {
  let next = 0;
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < REQUESTS) await kinds[kind](name, next++);
  }));
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / REQUESTS, wall: Number(process.hrtime.bigint() - start) / 1000 / REQUESTS };
}
for (const kind of Object.keys(kinds)) {
  const times = { checking: [], unchecked: [] };
  await run("checking", kind); // warm-up
  await run("unchecked", kind);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ["checking", "unchecked"] : ["unchecked", "checking"];
    for (const name of order) times[name].push(await run(name, kind));
  }
  const pick = (name, field) => median(times[name].map((time) => time[field]));
  const [on, off] = [pick("checking", "cpu"), pick("unchecked", "cpu")];
  console.log(
    `${kind}: CPU (client + server) checking ${on.toFixed(0)} µs/request, unchecked ${off.toFixed(0)} µs/request: ` +
      `ratio ${(on / off).toFixed(2)}, +${(on - off).toFixed(0)} µs; wall ${pick("checking", "wall").toFixed(0)} vs ${pick("unchecked", "wall").toFixed(0)} µs/request (${CONCURRENCY} concurrent)`,
  );
}
console.log(`load ${os.loadavg()[0].toFixed(2)} (1-min) at the end`);
for (const client of Object.values(clients)) client.destroy();
await Promise.all(Object.values(servers).map((server) => server.stop()));
