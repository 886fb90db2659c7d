package dev.untrack.pipeline;

import dev.untrack.patcher.patch.Action;
import dev.untrack.patcher.patch.AppSelector;
import dev.untrack.patcher.patch.Clause;
import dev.untrack.patcher.patch.Fingerprint;
import dev.untrack.patcher.patch.Operation;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.patcher.patch.PolicyScope;
import dev.untrack.patcher.patch.VerifyClaim;
import java.util.ArrayList;
import java.util.List;
import org.jf.dexlib2.AccessFlags;

/** Patches described in words and as data, for {@code untrack patches list|show}. */
public final class PatchCatalogText {
  private PatchCatalogText() {}

  /** One row of {@code patches list}. */
  public record Entry(String id, String title, List<String> targets, String policy, String severity) {}

  public static Entry entry(Patch p) {
    List<String> targets = new ArrayList<>();
    p.apps().forEach(s -> targets.add(target(s)));
    return new Entry(p.id(), p.title(), targets, p.policy().keyword(), p.severity().keyword());
  }

  private static String target(AppSelector s) {
    if (s instanceof AppSelector.Package pk) {
      return String.join(" ", pk.names());
    }
    if (s instanceof AppSelector.Defines d) {
      return "defines " + d.type();
    }
    if (s instanceof AppSelector.DefinesPrefix d) {
      return "defines " + d.prefix() + "*";
    }
    return "any app";
  }

  /** {@code patches show ID}: everything about a patch, in words. */
  public static List<String> show(Patch p) {
    List<String> out = new ArrayList<>();
    out.add(p.id() + ": " + p.title());
    out.add("");
    out.add("Why:");
    p.why().forEach(w -> out.add("  " + w));
    if (!p.sources().isEmpty()) {
      out.add("Sources:");
      p.sources().forEach(s -> out.add("  " + s));
    }
    out.add("Targets:");
    p.apps().forEach(s -> out.add("  " + s.describe()));
    out.add("Policy: " + switch (p.policy()) {
      case ANY -> "applies under both --policy block and --policy honor-switch";
      case BLOCK -> "applies only under --policy block";
      case HONOR_SWITCH -> "applies only under --policy honor-switch";
    });
    out.add("Severity: " + p.severity().keyword());
    if (!p.requiredHelpers().isEmpty()) {
      out.add("Helpers: " + String.join(", ", p.requiredHelpers()) + " (added to an app only when its code calls them)");
    }
    out.add("Finds:");
    for (Fingerprint f : p.fingerprints()) {
      out.add("  " + f.name() + ": " + describe(f));
    }
    out.add("Does:");
    for (Action a : p.actions()) {
      String when = a.scope() == PolicyScope.ANY ? "" : " (only under --policy " + a.scope().keyword() + ")";
      out.add("  to " + a.fingerprint() + ": " + describe(a.operation()) + when);
    }
    out.add("Verification (what the checker will see):");
    for (VerifyClaim v : p.verifies()) {
      String when = v.scope() == PolicyScope.ANY ? "" : " (under --policy " + v.scope().keyword() + ")";
      out.add("  " + v.fingerprint() + ": " + v.describe() + when);
    }
    out.add("Defined at: " + p.pos());
    return out;
  }

  static String describe(Fingerprint f) {
    List<String> parts = new ArrayList<>();
    for (Clause c : f.clauses()) {
      parts.add(describe(c));
    }
    String count = switch (f.count().kind()) {
      case ONE -> "exactly one such method";
      case ALL -> "every such method";
      case AT_MOST -> "up to " + f.count().max() + " such methods";
    };
    return "methods " + String.join(", ", parts) + " (" + count + ")";
  }

  private static String describe(Clause c) {
    if (c instanceof Clause.ClassIs x) {
      return "in class " + x.type();
    } else if (c instanceof Clause.ClassPrefix x) {
      return "in a class under " + x.prefix();
    } else if (c instanceof Clause.ClassExtends x) {
      return "in a class extending " + x.type();
    } else if (c instanceof Clause.ClassImplements x) {
      return "in a class implementing " + x.type();
    } else if (c instanceof Clause.Name x) {
      return "named " + x.name();
    } else if (c instanceof Clause.Signature x) {
      if (x.params() != null && x.returnType() != null) {
        return "with prototype (" + String.join("", x.params()) + ")" + x.returnType();
      }
      return x.params() != null ? "with parameters (" + String.join("", x.params()) + ")"
          : "returning " + x.returnType();
    } else if (c instanceof Clause.Access x) {
      List<String> a = new ArrayList<>();
      for (AccessFlags fl : AccessFlags.getAccessFlagsForMethod(x.required())) {
        a.add(fl.toString());
      }
      for (AccessFlags fl : AccessFlags.getAccessFlagsForMethod(x.forbidden())) {
        a.add("not " + fl);
      }
      return String.join(" ", a);
    } else if (c instanceof Clause.LoadsString x) {
      return "loading the string " + quote(x.value());
    } else if (c instanceof Clause.LoadsAnyString x) {
      List<String> q = new ArrayList<>();
      x.values().forEach(v -> q.add(quote(v)));
      return "loading one of " + String.join(", ", q);
    } else if (c instanceof Clause.LoadsStringContaining x) {
      return "loading a string containing " + quote(x.part());
    } else if (c instanceof Clause.Calls x) {
      return "calling " + x.method();
    } else if (c instanceof Clause.CallsPrefix x) {
      return "calling into " + x.prefix();
    } else if (c instanceof Clause.ReadsField x) {
      return "reading " + x.field();
    } else if (c instanceof Clause.WritesField x) {
      return "writing " + x.field();
    }
    return c.toString();
  }

  static String describe(Operation op) {
    if (op instanceof Operation.ReturnDefault) {
      return "return at once with the neutral value (nothing, false, 0, \"\", an empty collection or array, null)";
    } else if (op instanceof Operation.Return r) {
      return "return " + r.value() + " at once";
    } else if (op instanceof Operation.Replace) {
      return "replace the body with the patch's smali";
    } else if (op instanceof Operation.Prepend) {
      return "run the patch's smali first (it may return early)";
    } else if (op instanceof Operation.Gate g) {
      return "ask " + g.check() + " first; when it says no, return the neutral value";
    } else if (op instanceof Operation.Strings s) {
      return "replace the string constant " + quote(s.oldValue()) + " with " + quote(s.newValue());
    } else if (op instanceof Operation.StringsContaining s) {
      return "replace every string constant containing " + quote(s.part()) + " with " + quote(s.newValue());
    }
    return op.keyword();
  }

  private static String quote(String s) {
    return dev.untrack.patcher.patch.Descriptors.quote(s);
  }
}
