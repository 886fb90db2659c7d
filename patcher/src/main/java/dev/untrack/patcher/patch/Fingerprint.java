package dev.untrack.patcher.patch;

import java.util.ArrayList;
import java.util.List;

/** A named set of clauses selecting methods ({@code match NAME}). */
public record Fingerprint(String name, SourcePos pos, List<Clause> clauses, Count count) {
  public Fingerprint {
    clauses = List.copyOf(clauses);
  }

  public List<Clause.ClassClause> classClauses() {
    return of(Clause.ClassClause.class);
  }

  public List<Clause.MethodClause> methodClauses() {
    return of(Clause.MethodClause.class);
  }

  public List<Clause.CodeClause> codeClauses() {
    return of(Clause.CodeClause.class);
  }

  /** The exact class when the fingerprint names one with {@code class}. */
  public String exactClass() {
    for (Clause c : clauses) {
      if (c instanceof Clause.ClassIs ci) {
        return ci.type();
      }
    }
    return null;
  }

  /** Parameter types if the fingerprint pins them ({@code proto} or {@code params}), else null. */
  public List<String> pinnedParams() {
    for (Clause c : clauses) {
      if (c instanceof Clause.Signature s && s.params() != null) {
        return s.params();
      }
    }
    return null;
  }

  /** Return type if pinned ({@code proto} or {@code returns}), else null. */
  public String pinnedReturn() {
    for (Clause c : clauses) {
      if (c instanceof Clause.Signature s && s.returnType() != null) {
        return s.returnType();
      }
    }
    return null;
  }

  /** TRUE/FALSE if the fingerprint pins static-ness with {@code access}, else null. */
  public Boolean pinnedStatic() {
    for (Clause c : clauses) {
      if (c instanceof Clause.Access a) {
        if ((a.required() & 0x8) != 0) {
          return Boolean.TRUE;
        }
        if ((a.forbidden() & 0x8) != 0) {
          return Boolean.FALSE;
        }
      }
    }
    return null;
  }

  private <T> List<T> of(Class<T> kind) {
    List<T> out = new ArrayList<>();
    for (Clause c : clauses) {
      if (kind.isInstance(c)) {
        out.add(kind.cast(c));
      }
    }
    return out;
  }
}
