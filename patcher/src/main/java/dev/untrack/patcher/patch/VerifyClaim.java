package dev.untrack.patcher.patch;

import dev.untrack.patcher.Policy;
import java.util.List;

/**
 * {@code verify[@POLICY] FINGERPRINT CLAIM}: what the independent checker will see in the output under the
 * policies of {@code scope} (a stub under block is neutralized, the same method gated under honor-switch).
 */
public record VerifyClaim(String fingerprint, PolicyScope scope, Kind kind, List<String> strings, SourcePos pos) {
  public enum Kind {
    NEUTRALIZED("neutralized"),
    GATED("gated"),
    STRINGS_ABSENT("strings-absent"),
    UNCHANGED("unchanged");

    private final String keyword;

    Kind(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }

    public static Kind fromKeyword(String s) {
      for (Kind k : values()) {
        if (k.keyword.equals(s)) {
          return k;
        }
      }
      return null;
    }
  }

  public VerifyClaim {
    strings = List.copyOf(strings);
  }

  public boolean holdsUnder(Policy p) {
    return scope.includes(p);
  }

  public String describe() {
    return switch (kind) {
      case NEUTRALIZED -> "the matched methods have no side effects and every call into them is neutralized";
      case GATED -> "every call into the matched methods is behind a consent check whose default is 'out'";
      case STRINGS_ABSENT -> "no string constant in the app contains "
          + String.join(", ", strings.stream().map(Descriptors::quote).toList());
      case UNCHANGED -> "nothing (the patch only rewrites defaults)";
    };
  }
}
