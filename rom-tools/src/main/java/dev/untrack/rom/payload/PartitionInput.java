package dev.untrack.rom.payload;

import dev.untrack.rom.io.ByteSource;
import java.util.List;
import java.util.Objects;

/** One partition of a payload being written. */
public sealed interface PartitionInput {
  String name();

  /**
   * Copied from an existing payload: the operations' compressed blobs are copied byte for byte, only their
   * offsets change; every field of the entry (hash, VABC estimates, verity…) stays as it was.
   */
  record Unchanged(Payload from, PartitionUpdate entry) implements PartitionInput {
    public Unchanged {
      Objects.requireNonNull(from);
      Objects.requireNonNull(entry);
    }

    @Override
    public String name() {
      return entry.name();
    }
  }

  /**
   * A new image for a partition: compressed afresh in 2 MiB REPLACE_XZ chunks. {@code entry} is the original
   * manifest entry (its postinstall, version and other fields are kept) or {@link PartitionUpdate#named}.
   */
  record Changed(PartitionUpdate entry, ByteSource image) implements PartitionInput {
    public Changed {
      Objects.requireNonNull(entry);
      Objects.requireNonNull(image);
    }

    @Override
    public String name() {
      return entry.name();
    }
  }

  /**
   * Operations and blobs supplied as they are (for fixtures and tools): {@code blobs.get(i)} belongs to the
   * i-th operation that carries data. Each operation's {@code data_offset} is assigned by the writer; its
   * {@code data_length} must equal the blob's size. Nothing is verified or recomputed.
   */
  record Prebuilt(PartitionUpdate entry, List<ByteSource> blobs) implements PartitionInput {
    public Prebuilt {
      Objects.requireNonNull(entry);
      blobs = List.copyOf(blobs);
    }

    @Override
    public String name() {
      return entry.name();
    }
  }

  static Unchanged unchanged(Payload from, String name) throws dev.untrack.rom.RomFormatException {
    return new Unchanged(from, from.index(name).partition);
  }

  static Changed changed(PartitionUpdate entry, ByteSource image) {
    return new Changed(entry, image);
  }
}
