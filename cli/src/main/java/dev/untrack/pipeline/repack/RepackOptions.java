package dev.untrack.pipeline.repack;

import dev.untrack.signing.keys.SigningKey;
import java.nio.file.Path;
import java.util.Objects;

/**
 * @param workDir where temporary images (re-sparsed supers, payload spools) go; needs about the size of the
 *     changed containers' images
 * @param otaKey signs payload.bin and the OTA zip; null leaves them unsigned
 */
public record RepackOptions(Path workDir, SigningKey otaKey) {
  public RepackOptions {
    Objects.requireNonNull(workDir, "workDir");
  }

  public static RepackOptions defaults(Path workDir) {
    return new RepackOptions(workDir, null);
  }

  public RepackOptions withOtaKey(SigningKey key) {
    return new RepackOptions(workDir, key);
  }
}
