package dev.untrack.patcher.patch;

import java.util.List;
import java.util.Set;
import org.jf.dexlib2.iface.ClassDef;

/**
 * A {@code helper[@policy] ID} block: smali classes under {@code Ldev/untrack/inject/} that patches call, added to
 * an app only when an applied patch needs them.
 */
public record Helper(String id, PolicyScope scope, SmaliBlock block, List<ClassDef> classes) {
  public Helper {
    classes = List.copyOf(classes);
  }

  public Set<String> types() {
    java.util.TreeSet<String> t = new java.util.TreeSet<>();
    classes.forEach(c -> t.add(c.getType()));
    return t;
  }
}
