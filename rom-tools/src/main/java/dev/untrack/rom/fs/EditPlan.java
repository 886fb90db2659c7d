package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A planned edit: every decision made and every metadata byte computed, nothing written yet. {@link #result()}
 * says what the output will be; {@link #writeTo} streams it; {@link #view} reads it without writing it.
 */
public final class EditPlan {
  private final ImagePatch patch;
  private final EditResult result;

  public EditPlan(ImagePatch patch, EditResult result) {
    this.patch = patch;
    this.result = result;
  }

  public EditResult result() {
    return result;
  }

  /** Size of the edited image in bytes. */
  public long size() {
    return patch.size();
  }

  public void writeTo(OutputStream out) throws IOException {
    patch.writeTo(out);
  }

  /** The edited image as a random-access source (file content is read from the edit's sources on demand). */
  public ByteSource view(String name) {
    return patch.view(name);
  }
}
