package dev.untrack.rom.fs;

import java.util.List;

/**
 * What an edit produced.
 *
 * @param format "ext4" or "erofs"
 * @param inputSize bytes of the input image
 * @param outputSize bytes of the edited image
 * @param appendedBytes bytes of new content written after the end of the original filesystem
 * @param rewrittenBytes bytes written inside the original filesystem area (metadata blocks, ext4 file data in
 *     free blocks); every other byte of that area is copied unchanged
 * @param droppedTailBytes bytes of the input after the end of the filesystem (an AVB footer or hashtree, which
 *     the edit invalidates and the caller rebuilds) that the output does not carry
 */
public record EditResult(String format, long inputSize, long outputSize, long appendedBytes, long rewrittenBytes,
    long droppedTailBytes, List<FsChange> changes) {

  public EditResult {
    changes = List.copyOf(changes);
  }
}
