package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.sdat.DynamicPartitionsOpList;
import dev.untrack.rom.sdat.TransferList;
import dev.untrack.rom.tar.Spool;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The partitions of a non-A/B OTA. Plain {@code new.dat} stored in the zip is read in place; brotli or deflated
 * data is decoded once into the work directory (brotli has no random access).
 */
final class SdatPartitions implements SdatProvider {
  private static final int MAX_TRANSFER_LIST = TransferList.MAX_SIZE;
  private static final int MAX_OP_LIST = 1 << 20;

  @Override
  public PartitionSource open(ZipArchive ota, List<SdatImage> images, ProviderContext context) throws IOException {
    List<Closeable> resources = new ArrayList<>();
    List<Partition> out = new ArrayList<>();
    Spool spool = new Spool(context.workDir(), context.maxSpoolBytes());
    resources.add(spool);
    try {
      String opList = ota.entry("dynamic_partitions_op_list").isPresent()
          ? new String(ota.readAll(ota.entry("dynamic_partitions_op_list").get(), MAX_OP_LIST), StandardCharsets.UTF_8)
          : null;
      for (SdatImage img : images) {
        String where = context.origin() + " > " + img.newData().name();
        TransferList list = TransferList.parse(ota.readAll(img.transferList(), MAX_TRANSFER_LIST),
            context.origin() + " > " + img.transferList().name());
        long declared = opList == null ? -1 : DynamicPartitionsOpList.size(opList, img.name());
        long blocks = declared > 0 ? (declared + TransferList.BLOCK_SIZE - 1) / TransferList.BLOCK_SIZE : 0;
        ByteSource data = entryBytes(ota, img.newData(), spool, where);
        dev.untrack.rom.sdat.SdatImage view = img.brotli()
            ? dev.untrack.rom.sdat.SdatImage.openBrotli(list, data, blocks, context.workDir())
            : dev.untrack.rom.sdat.SdatImage.open(list, data, blocks);
        resources.add(view);
        out.add(new Partition(img.name(), view.size(), view, where, ImageType.of(view), ""));
      }
    } catch (IOException | RuntimeException e) {
      closeAll(resources);
      throw e;
    }
    List<Partition> partitions = List.copyOf(out);
    return new PartitionSource() {
      @Override
      public List<Partition> partitions() {
        return partitions;
      }

      @Override
      public void close() throws IOException {
        closeAll(resources);
      }
    };
  }

  private static ByteSource entryBytes(ZipArchive zip, ZipEntry e, Spool spool, String name) throws IOException {
    if (e.isStored()) {
      return zip.rawData(e);
    }
    try (InputStream in = zip.open(e)) {
      return spool.spool(in, e.size(), name);
    }
  }

  private static void closeAll(List<Closeable> resources) throws IOException {
    IOException first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
