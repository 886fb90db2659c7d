package dev.untrack.patcher.patch;

import dev.untrack.patcher.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One {@code patch ID} section of a patch file, as loaded and validated. */
public record Patch(
    String id,
    SourcePos pos,
    String title,
    List<String> why,
    List<String> sources,
    List<AppSelector> apps,
    PolicyScope policy,
    Severity severity,
    List<String> requiredHelpers,
    List<Fingerprint> fingerprints,
    List<Action> actions,
    List<VerifyClaim> verifies) {

  public Patch {
    why = List.copyOf(why);
    sources = List.copyOf(sources);
    apps = List.copyOf(apps);
    requiredHelpers = List.copyOf(requiredHelpers);
    fingerprints = List.copyOf(fingerprints);
    actions = List.copyOf(actions);
    verifies = List.copyOf(verifies);
  }

  public boolean appliesUnder(Policy p) {
    return policy.includes(p);
  }

  public Optional<Fingerprint> fingerprint(String name) {
    return fingerprints.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The verification claims that hold under policy {@code p} (none if the patch does not apply under it). */
  public List<VerifyClaim> verifiesUnder(Policy p) {
    List<VerifyClaim> out = new ArrayList<>();
    if (appliesUnder(p)) {
      verifies.stream().filter(v -> v.holdsUnder(p)).forEach(out::add);
    }
    return out;
  }

  /** The actions that run under policy {@code p} (none if the patch itself does not apply under it). */
  public List<Action> actionsUnder(Policy p) {
    List<Action> out = new ArrayList<>();
    if (!appliesUnder(p)) {
      return out;
    }
    for (Action a : actions) {
      if (a.scope().includes(p)) {
        out.add(a);
      }
    }
    return out;
  }
}
