package dev.untrack.patcher.patch;

import java.util.List;

/** One line of a fingerprint. All clauses of a fingerprint must hold. */
public sealed interface Clause {
  SourcePos pos();

  /** Holds on the defining class alone. */
  sealed interface ClassClause extends Clause {}

  /** Holds on the method's signature and flags. */
  sealed interface MethodClause extends Clause {}

  /** Holds on what the method's code does; only methods with code can satisfy these. */
  sealed interface CodeClause extends Clause {}

  record ClassIs(String type, SourcePos pos) implements ClassClause {}

  record ClassPrefix(String prefix, SourcePos pos) implements ClassClause {}

  record ClassExtends(String type, SourcePos pos) implements ClassClause {}

  record ClassImplements(String type, SourcePos pos) implements ClassClause {}

  record Name(String name, SourcePos pos) implements MethodClause {}

  /** {@code proto}, {@code params} or {@code returns}: null parts are unconstrained. */
  record Signature(List<String> params, String returnType, SourcePos pos) implements MethodClause {
    public Signature {
      params = params == null ? null : List.copyOf(params);
    }
  }

  /** Every flag in {@code required} set, none of {@code forbidden}. */
  record Access(int required, int forbidden, SourcePos pos) implements MethodClause {}

  record LoadsString(String value, SourcePos pos) implements CodeClause {}

  record LoadsAnyString(List<String> values, SourcePos pos) implements CodeClause {
    public LoadsAnyString {
      values = List.copyOf(values);
    }
  }

  record LoadsStringContaining(String part, SourcePos pos) implements CodeClause {}

  record Calls(MethodPattern method, SourcePos pos) implements CodeClause {}

  record CallsPrefix(String prefix, SourcePos pos) implements CodeClause {}

  record ReadsField(FieldPattern field, SourcePos pos) implements CodeClause {}

  record WritesField(FieldPattern field, SourcePos pos) implements CodeClause {}
}
