/**
 * Makes the test server check what AWS checks before S3 acts on a request (fauxqs checks none of
 * it): the SigV4 signature and everything around it ({@link verifySignature}), then the body
 * ({@link BodyCheck}). A refused request gets S3's status and XML error and never reaches fauxqs'
 * handlers. Installed as fastify hooks on fauxqs' own app: no extra hop, and a body is hashed as
 * it streams into fauxqs (which buffers it anyway, up to its 11 MiB limit).
 */
import type { buildApp } from "fauxqs";
import { BodyCheck, planBodyCheck } from "./s3-body-check.js";
import { s3ErrorXml, type S3Rejection } from "./s3-errors.js";
import { verifySignature, type SignatureContext } from "./s3-sigv4.js";

/** Adds the checks to `app`; hooks added earlier (such as request counting) still see every request. */
export function verifyRequests(app: ReturnType<typeof buildApp>, context: SignatureContext): void {
  const checks = new WeakMap<object, BodyCheck>();
  app.addHook("onRequest", async (request, reply) => {
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    const [method, url] = [raw.method ?? "GET", raw.originalUrl ?? raw.url ?? "/"];
    const verified = await verifySignature({ method, url, headers: raw.headers }, context);
    if ("code" in verified) return refuse(reply, verified);
    const plan = planBodyCheck(raw.headers, verified, method === "POST" && /[?&]uploadId=/.test(url));
    if (plan === undefined) return undefined;
    if ("code" in plan) return refuse(reply, plan);
    checks.set(request, new BodyCheck(plan, verified));
    return undefined;
  });
  app.addHook("preParsing", async (request, _reply, payload) => {
    const check = checks.get(request);
    if (check === undefined) return payload;
    payload.on("error", (error) => check.destroy(error));
    return payload.pipe(check);
  });
  // After the body parser read the body to its end; a body nobody read (a GET's) counts as empty.
  app.addHook("preValidation", async (request, reply) => {
    const failure = checks.get(request)?.verdict();
    return failure === undefined ? undefined : refuse(reply, failure);
  });
}

/** The part of fastify's reply used here. */
interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(payload: string): Reply;
}

function refuse<R extends Reply>(reply: R, rejection: S3Rejection): R {
  reply.code(rejection.status).header("content-type", "application/xml").send(s3ErrorXml(rejection.code, rejection.message, rejection.details));
  return reply;
}
