package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File-level vbmeta operations, written atomically beside the target; the input is never modified. */
public final class VbMetaFiles {
  /** A top-level vbmeta partition is at most a few hundred KiB; refuse anything absurd. */
  private static final long MAX_VBMETA_IMAGE = 16L << 20;

  /**
   * The default flags to set on the top-level vbmeta: {@link VbMetaHeader#FLAG_HASHTREE_DISABLED} only. Some
   * Android 16 builds bootloop with VERIFICATION_DISABLED (0x2); HyperOS porters set 0x1 alone (docs/signing.md).
   */
  public static final int DEFAULT_DISABLE_FLAGS = VbMetaHeader.FLAG_HASHTREE_DISABLED;

  private VbMetaFiles() {}

  /**
   * Copies a vbmeta partition image from {@code in} to {@code out} with {@code bits} ORed into its flags word;
   * every other byte is copied unchanged. Returns the new flags.
   */
  public static int orFlags(Path in, Path out, int bits, boolean overwrite) throws SigningException {
    byte[] image;
    try {
      if (Files.size(in) > MAX_VBMETA_IMAGE) {
        throw SigningException.unsupported(in.toString(), 0, "larger than a vbmeta partition can be");
      }
      image = Files.readAllBytes(in);
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, in, "cannot read: " + e.getMessage(), e);
    }
    VbMeta.parse(image, in.toString());
    byte[] patched = VbMeta.orFlags(image, bits, in.toString());
    AtomicFiles.write(out, patched, overwrite, false);
    return VbMetaHeader.parse(patched, out.toString()).flags();
  }
}
