package dev.untrack.pipeline.rom;

import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.signing.apk.SigningMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code untrack patch ROM -o OUT} is asked to do.
 *
 * @param appKey loads the APK signing key (only when an app is re-signed), or null when none was given
 * @param avbKey loads the AVB key for {@code --avb-key}, or null: then verification flags are set instead
 * @param otaKey loads the key that signs payload.bin and the OTA zip ({@code --ota-key}), or null: unsigned
 * @param avbFlags bits ORed into the top-level vbmeta's flags when there is no AVB key
 * @param hosts whether to add the telemetry hosts to {@code /system/etc/hosts}
 * @param mtime the modification time of changed files (seconds), or null: derived from the input
 * @param partitionSizes partition name → the most bytes its edited image may take (overrides what the
 *     firmware says; the only limit for a raw image without AVB footer)
 * @param threads apps patched in parallel
 */
public record RomPatchRequest(Path input, Path output, PatchSet patches, Policy policy, SigningMode signing,
    SingleAppPatch.KeySupplier appKey, SingleAppPatch.KeySupplier avbKey, SingleAppPatch.KeySupplier otaKey,
    int avbFlags, boolean hosts, Long mtime,
    Map<String, Long> partitionSizes, int threads) {

  public RomPatchRequest {
    Objects.requireNonNull(input);
    Objects.requireNonNull(output);
    Objects.requireNonNull(patches);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(signing);
    partitionSizes = Map.copyOf(partitionSizes);
    threads = Math.max(1, threads);
  }

  /** Defaults: keep-cert signing, no keys, the documented AVB flags, hosts on, limits from the firmware. */
  public static RomPatchRequest of(Path input, Path output, PatchSet patches, Policy policy) {
    return new RomPatchRequest(input, output, patches, policy, SigningMode.AUTO, null, null, null,
        VbmetaAction.DEFAULT_FLAGS, true, null, Map.of(), Runtime.getRuntime().availableProcessors());
  }
}
