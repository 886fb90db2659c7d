package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.payload.Payload;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.zip.ZipArchive;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The partitions of a full A/B payload, each a lazy view that decodes operations on demand. */
final class PayloadPartitions implements PayloadProvider {
  @Override
  public PartitionSource open(ByteSource payloadBin, ZipArchive ota, ProviderContext context) throws IOException {
    Payload payload = Payload.open(payloadBin);
    List<Partition> out = new ArrayList<>();
    for (PartitionUpdate p : payload.partitions()) {
      ByteSource image = payload.partitionImage(p.name());
      out.add(new Partition(p.name(), image.size(), image, context.origin() + " > " + p.name(),
          ImageType.of(image), ""));
    }
    List<Partition> partitions = List.copyOf(out);
    return () -> partitions;
  }
}
