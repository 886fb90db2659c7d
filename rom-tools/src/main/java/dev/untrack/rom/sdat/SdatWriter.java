package dev.untrack.rom.sdat;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a full image as a version-4 transfer list plus {@code new.dat}: non-zero blocks go to {@code new.dat}
 * in ascending order under one {@code new} command, all-zero blocks become one {@code zero} command. One
 * sequential pass; memory holds only the range lists. Wrap {@code newDat} in a
 * {@link BrotliStoredOutputStream} for a {@code .new.dat.br} the stock updater accepts unchanged.
 */
public final class SdatWriter {
  private static final int BS = TransferList.BLOCK_SIZE;

  private SdatWriter() {}

  public static TransferList write(ByteSource image, OutputStream newDat) throws IOException {
    long size = image.size();
    if (size % BS != 0) {
      throw new IllegalArgumentException(image.name() + " is " + size + " bytes, not a multiple of " + BS);
    }
    long blocks = size / BS;
    if (blocks > RangeSet.MAX_BLOCK) {
      throw new IllegalArgumentException(image.name() + " is too large for a transfer list");
    }
    RangeSet.Builder data = new RangeSet.Builder();
    RangeSet.Builder zero = new RangeSet.Builder();
    byte[] buf = new byte[BS * 256];
    try (InputStream in = image.openStream()) {
      long block = 0;
      while (block < blocks) {
        int n = (int) Math.min(256, blocks - block);
        in.readNBytes(buf, 0, n * BS);
        for (int k = 0; k < n; k++) {
          if (isZero(buf, k * BS)) {
            zero.add(block + k, block + k + 1);
          } else {
            data.add(block + k, block + k + 1);
            newDat.write(buf, k * BS, BS);
          }
        }
        block += n;
      }
    }
    List<TransferList.Command> commands = new ArrayList<>();
    if (!data.isEmpty()) {
      commands.add(new TransferList.Command(TransferList.Kind.NEW, data.build(), -1));
    }
    if (!zero.isEmpty()) {
      commands.add(new TransferList.Command(TransferList.Kind.ZERO, zero.build(), -1));
    }
    return TransferList.full(commands);
  }

  private static boolean isZero(byte[] b, int off) {
    for (int i = off; i < off + BS; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
