import { UsageError } from "../exit-codes.js";
import type { FirstPartyScheme } from "./scheme.js";
import { UrlParams, definedOnly, exportedClass } from "./url-params.js";

interface S3Options {
  bucket: string;
  prefix?: string;
  partSize?: number;
  clientConfig: { region?: string; endpoint?: string; forcePathStyle?: boolean };
}

/**
 * `s3://bucket[/prefix][?region=…&endpoint=…&forcePathStyle=true&partSize=N]` → `S3Storage` from
 * `@stowage/s3`. Credentials come from the AWS SDK's standard chain (environment, shared config,
 * instance roles), never from the URL.
 */
export const s3Scheme: FirstPartyScheme = {
  protocols: ["s3:"],
  packageName: "@stowage/s3",
  open(module, url) {
    const params = new UrlParams(url, ["region", "endpoint", "forcePathStyle", "partSize"]);
    if (url.username !== "" || url.password !== "") {
      throw new UsageError("s3: URLs never carry credentials: use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile");
    }
    const bucket = decodeURIComponent(url.hostname);
    if (bucket === "") throw new UsageError("s3: URLs name the bucket: s3://bucket/optional/prefix");
    const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
    const S3Storage = exportedClass<S3Options>(module, "S3Storage", this.packageName);
    return new S3Storage({
      bucket,
      ...(prefix === "" ? {} : { prefix }),
      ...definedOnly({ partSize: params.positiveInt("partSize") }),
      clientConfig: definedOnly({
        region: params.string("region"),
        endpoint: params.string("endpoint"),
        forcePathStyle: params.boolean("forcePathStyle"),
      }),
    });
  },
};
