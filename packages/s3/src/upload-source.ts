/**
 * What a write's own source threw (a file that failed to read, a generator that threw): the
 * caller's error, handed back as it is, never as a failure of S3. `S3Storage.classify` unwraps it.
 */
export class SourceFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs `upload` over `source`, telling the source's own failure from the upload's: a failure that
 * `source` threw rejects as {@link SourceFailure}, any other as it is.
 */
export async function uploadFrom(
  source: AsyncIterable<Uint8Array>,
  upload: (chunks: AsyncIterable<Uint8Array>) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const watched = (async function* () {
    try {
      yield* source;
    } catch (error) {
      failure = { error };
      throw error;
    }
  })();
  try {
    await upload(watched);
  } catch (error) {
    if (failure !== undefined && error === failure.error) throw new SourceFailure(error);
    throw error;
  }
}
