package dev.untrack.patcher.patch;

import dev.untrack.patcher.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every patch and helper loaded for a run, validated together: ids are unique, required helpers exist for every
 * policy the patch runs under, and every smali block assembled. Immutable; iteration order is load order (the
 * built-in index, then user files sorted by path), which is the order patches are applied and reported in.
 */
public final class PatchSet {
  private final List<Patch> patches;
  private final Map<String, List<Helper>> helpers;

  PatchSet(List<Patch> patches, Map<String, List<Helper>> helpers) {
    this.patches = List.copyOf(patches);
    Map<String, List<Helper>> h = new LinkedHashMap<>();
    helpers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    this.helpers = h;
  }

  public static PatchSet empty() {
    return new PatchSet(List.of(), Map.of());
  }

  public List<Patch> patches() {
    return patches;
  }

  public Optional<Patch> patch(String id) {
    return patches.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public boolean isEmpty() {
    return patches.isEmpty();
  }

  /** Helper ids, in load order. */
  public List<String> helperIds() {
    return new ArrayList<>(helpers.keySet());
  }

  /** The variant of helper {@code id} for policy {@code p}, if there is one. */
  public Optional<Helper> helper(String id, Policy p) {
    List<Helper> variants = helpers.get(id);
    if (variants == null) {
      return Optional.empty();
    }
    for (Helper h : variants) {
      if (h.scope().includes(p)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
