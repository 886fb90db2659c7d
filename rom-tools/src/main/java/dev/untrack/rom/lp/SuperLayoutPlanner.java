package dev.untrack.rom.lp;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.sparse.ImageRegion;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Places the partitions of a {@link SuperWriter} and builds the metadata and the image regions. */
final class SuperLayoutPlanner {
  private final SuperWriter w;

  SuperLayoutPlanner(SuperWriter w) {
    this.w = w;
  }

  SuperLayout plan() throws LpDoesNotFitException {
    List<SuperWriter.Part> parts = w.partList();
    List<LpDoesNotFitException.Shortfall> shortfalls = new ArrayList<>();
    boolean virtualAb = (w.headerFlags & LpFormat.HEADER_FLAG_VIRTUAL_AB_DEVICE) != 0;
    for (SuperWriter.Part p : parts) {
      if (virtualAb && p.name.endsWith("_b") && p.size > 0 && p.originalExtents == null) {
        throw new IllegalArgumentException("'" + p.name + "': on a virtual A/B device the _b partitions stay empty");
      }
    }
    for (SuperWriter.Group g : w.groups.values()) {
      if (g.maximumSize == 0) {
        continue;
      }
      long sum = 0;
      for (SuperWriter.Part p : parts) {
        if (p.group.equals(g.name)) {
          sum += p.size;
        }
      }
      if (sum > g.maximumSize) {
        shortfalls.add(new LpDoesNotFitException.Shortfall("group", g.name, sum, g.maximumSize));
      }
    }

    long first = w.device.firstLogicalSector() * LpFormat.SECTOR_SIZE;
    long deviceSize = w.device.size();
    Map<SuperWriter.Part, List<LpExtent>> placed = null;
    boolean compacted = false;
    if (w.strategy == SuperWriter.Strategy.KEEP_UNCHANGED) {
      placed = keepUnchanged(parts, first, deviceSize);
    }
    if (placed == null) {
      compacted = true;
      placed = new IdentityHashMap<>();
      long pos = first;
      for (SuperWriter.Part p : parts) {
        List<LpExtent> ext = new ArrayList<>();
        if (p.size > 0) {
          long start = SuperWriter.alignUp(pos, w.alignment);
          ext.add(LpExtent.linear(start / LpFormat.SECTOR_SIZE, p.size / LpFormat.SECTOR_SIZE));
          pos = start + p.size;
        }
        placed.put(p, ext);
      }
      if (pos > deviceSize) {
        shortfalls.add(new LpDoesNotFitException.Shortfall("device", w.device.partitionName(), pos - first,
            deviceSize - first));
      }
    }

    List<String> groupNames = new ArrayList<>(w.groups.keySet());
    List<LpGroup> groups = new ArrayList<>();
    for (SuperWriter.Group g : w.groups.values()) {
      groups.add(new LpGroup(g.name, g.flags, g.maximumSize));
    }
    List<LpPartition> partitions = new ArrayList<>();
    List<LpExtent> extents = new ArrayList<>();
    int minor = w.minorVersion;
    for (SuperWriter.Part p : parts) {
      List<LpExtent> ext = placed.get(p);
      partitions.add(new LpPartition(p.name, p.attributes, extents.size(), ext.size(), groupNames.indexOf(p.group)));
      extents.addAll(ext);
      if ((p.attributes & LpFormat.PARTITION_ATTRIBUTE_MASK_V1) != 0) {
        minor = Math.max(minor, LpFormat.MINOR_VERSION_FOR_UPDATED_ATTR);
      }
    }
    if (w.headerFlags != 0) {
      minor = Math.max(minor, LpFormat.MINOR_VERSION_FOR_EXPANDED_HEADER);
    }
    LpMetadata metadata = new LpMetadata(w.geometry, LpFormat.MAJOR_VERSION, minor, w.headerFlags, partitions,
        extents, groups, List.of(w.device));
    byte[] blob = LpMetadataCodec.serialize(metadata);
    if (blob.length > w.geometry.metadataMaxSize()) {
      shortfalls.add(new LpDoesNotFitException.Shortfall("metadata", "metadata", blob.length,
          w.geometry.metadataMaxSize()));
    }
    if (!shortfalls.isEmpty()) {
      throw new LpDoesNotFitException(w.name, shortfalls);
    }
    return new SuperLayout(w.name, metadata, deviceSize, regions(metadata, blob, parts, placed), compacted);
  }

  /** Unchanged partitions stay; the others go first-fit into aligned free space. Null if they do not fit. */
  private Map<SuperWriter.Part, List<LpExtent>> keepUnchanged(List<SuperWriter.Part> parts, long first, long end) {
    List<long[]> used = new ArrayList<>();
    Map<SuperWriter.Part, List<LpExtent>> placed = new IdentityHashMap<>();
    for (SuperWriter.Part p : parts) {
      if (p.originalExtents != null) {
        placed.put(p, p.originalExtents);
        for (LpExtent e : p.originalExtents) {
          if (e.isLinear() && e.numSectors() > 0) {
            long s = e.targetData() * LpFormat.SECTOR_SIZE;
            used.add(new long[] {s, s + e.bytes()});
          }
        }
      }
    }
    used.sort(SuperWriter.BY_START);
    List<long[]> free = new ArrayList<>();
    long pos = first;
    for (long[] u : used) {
      if (u[0] > pos) {
        free.add(new long[] {pos, u[0]});
      }
      pos = Math.max(pos, u[1]);
    }
    if (end > pos) {
      free.add(new long[] {pos, end});
    }
    for (SuperWriter.Part p : parts) {
      if (p.originalExtents != null) {
        continue;
      }
      List<LpExtent> ext = new ArrayList<>();
      if (p.size > 0) {
        boolean done = false;
        for (long[] f : free) {
          long start = SuperWriter.alignUp(f[0], w.alignment);
          if (start + p.size <= f[1]) {
            ext.add(LpExtent.linear(start / LpFormat.SECTOR_SIZE, p.size / LpFormat.SECTOR_SIZE));
            f[0] = start + p.size;
            done = true;
            break;
          }
        }
        if (!done) {
          return null;
        }
      }
      placed.put(p, ext);
    }
    return placed;
  }

  private List<ImageRegion> regions(LpMetadata metadata, byte[] blob, List<SuperWriter.Part> parts,
      Map<SuperWriter.Part, List<LpExtent>> placed) {
    LpGeometry g = metadata.geometry();
    int slots = g.metadataSlotCount();
    long areaLen = 2L * LpFormat.GEOMETRY_SIZE + 2L * g.metadataMaxSize() * slots;
    byte[] area = new byte[Math.toIntExact(areaLen)];
    byte[] geometry = LpMetadataCodec.serializeGeometry(g);
    System.arraycopy(geometry, 0, area, 0, geometry.length);
    System.arraycopy(geometry, 0, area, LpFormat.GEOMETRY_SIZE, geometry.length);
    for (int i = 0; i < 2 * slots; i++) {
      System.arraycopy(blob, 0, area, 2 * LpFormat.GEOMETRY_SIZE + i * g.metadataMaxSize(), blob.length);
    }
    List<ImageRegion> regions = new ArrayList<>();
    regions.add(ImageRegion.fill(0, LpFormat.PARTITION_RESERVED_BYTES, 0));
    regions.add(ImageRegion.data(LpFormat.PRIMARY_GEOMETRY_OFFSET, new ArrayByteSource(area, w.name + " > metadata")));
    for (SuperWriter.Part p : parts) {
      if (p.content == null) {
        continue;
      }
      long logical = 0;
      for (LpExtent e : placed.get(p)) {
        long n = Math.min(e.bytes(), p.content.size() - logical);
        if (e.isLinear() && n > 0) {
          regions.add(new ImageRegion(e.targetData() * LpFormat.SECTOR_SIZE, n, ImageRegion.Kind.DATA,
              p.content.slice(logical, n, p.content.name()), 0));
        }
        logical += e.bytes();
      }
    }
    return regions;
  }
}
