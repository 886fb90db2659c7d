package dev.untrack.rom.ext4;

import dev.untrack.rom.fs.EditPlan;
import dev.untrack.rom.fs.FileSystemEditor;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FsEditException;
import java.io.IOException;

/** Surgical ext4 edits (work in progress). */
public final class Ext4Editor {
  private Ext4Editor() {}

  public static EditPlan plan(Ext4Image img, FileSystemEdits edits, FileSystemEditor.Limits limits)
      throws IOException {
    throw new FsEditException(img.source().name(), "", FsEditException.Reason.UNSUPPORTED, "not yet");
  }
}
