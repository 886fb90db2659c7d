package dev.untrack.patcher.smali;

import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.patch.SourcePos;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.antlr.runtime.CommonTokenStream;
import org.antlr.runtime.RecognitionException;
import org.antlr.runtime.Token;
import org.antlr.runtime.TokenSource;
import org.antlr.runtime.TokenStream;
import org.antlr.runtime.tree.CommonTree;
import org.antlr.runtime.tree.CommonTreeNodeStream;
import org.antlr.runtime.tree.TreeNodeStream;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.immutable.ImmutableClassDef;
import org.jf.dexlib2.writer.builder.DexBuilder;
import org.jf.dexlib2.writer.io.MemoryDataStore;
import org.jf.smali.InvalidToken;
import org.jf.smali.smaliFlexLexer;
import org.jf.smali.smaliParser;
import org.jf.smali.smaliTreeWalker;

/**
 * Assembles smali text with the smali library without letting it print: lexer, parser and tree-walker errors
 * are collected with their line and column, mapped back into the patch file by a caller-supplied function, and
 * thrown as one {@link PatchSyntaxException} naming the first problem.
 */
public final class SmaliAssembler {
  private SmaliAssembler() {}

  /** One smali error at a line (1-based) and column (1-based) of the assembled text. */
  private record Problem(int line, int column, String message) {}

  /**
   * Assembles one class.
   *
   * @param text smali for exactly one class
   * @param apiLevel decides which opcodes exist (and the dex version of the scratch file)
   * @param where maps a 1-based line of {@code text} to the position in the patch file, for errors; it receives
   *     the line and returns a position whose column is replaced by the error's column
   */
  public static ClassDef assembleClass(String text, int apiLevel, IntFunction<SourcePos> where)
      throws PatchSyntaxException {
    DexBuilder builder = new DexBuilder(Opcodes.forApi(apiLevel));
    try {
      walk(text, apiLevel, builder, where);
      MemoryDataStore store = new MemoryDataStore();
      builder.writeTo(store);
      DexBackedDexFile dex = new DexBackedDexFile(Opcodes.forApi(apiLevel), store.getData());
      List<ClassDef> classes = new ArrayList<>();
      for (ClassDef c : dex.getClasses()) {
        classes.add(ImmutableClassDef.of(c));
      }
      if (classes.size() != 1) {
        throw new PatchSyntaxException(where.apply(1).at(1), "expected exactly one class, found " + classes.size());
      }
      return classes.get(0);
    } catch (IOException | RuntimeException e) {
      throw doesNotAssemble(e, where);
    }
  }

  /**
   * Assembles several classes (one smali text each) into one dex file. dexlib2 orders pools and classes itself,
   * so the same texts give the same bytes.
   *
   * @param where maps (text index, 1-based line) to a position for errors
   */
  public static byte[] assembleDex(List<String> texts, int apiLevel,
      java.util.function.BiFunction<Integer, Integer, SourcePos> where) throws PatchSyntaxException {
    DexBuilder builder = new DexBuilder(Opcodes.forApi(apiLevel));
    int i = 0;
    try {
      for (; i < texts.size(); i++) {
        int index = i;
        walk(texts.get(i), apiLevel, builder, line -> where.apply(index, line));
      }
      MemoryDataStore store = new MemoryDataStore();
      builder.writeTo(store);
      return store.getData();
    } catch (IOException | RuntimeException e) {
      int index = Math.min(i, texts.size() - 1);
      throw doesNotAssemble(e, line -> where.apply(index, line));
    }
  }

  private static PatchSyntaxException doesNotAssemble(Exception e, IntFunction<SourcePos> where) {
    // dexlib2 reports bad code (undefined labels, out-of-range values) with runtime exceptions while writing.
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new PatchSyntaxException(where.apply(1).at(1), "smali does not assemble: " + msg.replace('\n', ' '));
  }

  /** Lexes, parses and walks one class into {@code builder}; collects every problem and throws the first. */
  private static void walk(String text, int apiLevel, DexBuilder builder, IntFunction<SourcePos> where)
      throws PatchSyntaxException {
    List<Problem> problems = new ArrayList<>();
    try {
      smaliFlexLexer lexer = new smaliFlexLexer(new StringReader(text), apiLevel);
      lexer.setSuppressErrors(true);
      TokenSource checked = new TokenSource() {
        @Override
        public Token nextToken() {
          Token t = lexer.nextToken();
          if (t instanceof InvalidToken bad) {
            problems.add(new Problem(bad.getLine(), bad.getCharPositionInLine() + 1,
                bad.getMessage() + " ('" + bad.getText() + "')"));
          }
          return t;
        }

        @Override
        public String getSourceName() {
          return "patch";
        }
      };
      CommonTokenStream tokens = new CommonTokenStream(checked);
      QuietParser parser = new QuietParser(tokens, problems);
      parser.setApiLevel(apiLevel);
      parser.setAllowOdex(false);
      smaliParser.smali_file_return result = parser.smali_file();
      if (!problems.isEmpty() || parser.getNumberOfSyntaxErrors() > 0) {
        throw first(problems, where, "smali syntax error");
      }
      CommonTree tree = result.getTree();
      CommonTreeNodeStream nodes = new CommonTreeNodeStream(tree);
      nodes.setTokenStream(tokens);
      QuietWalker walker = new QuietWalker(nodes, problems);
      walker.setApiLevel(apiLevel);
      walker.setDexBuilder(builder);
      walker.smali_file();
      if (!problems.isEmpty() || walker.getNumberOfSyntaxErrors() > 0) {
        throw first(problems, where, "smali error");
      }
    } catch (RecognitionException e) {
      throw new PatchSyntaxException(where.apply(Math.max(1, e.line)).at(e.charPositionInLine + 1),
          "smali error: " + e.getMessage());
    }
  }

  private static PatchSyntaxException first(List<Problem> problems, IntFunction<SourcePos> where, String what) {
    if (problems.isEmpty()) {
      return new PatchSyntaxException(where.apply(1).at(1), what);
    }
    Problem p = problems.get(0);
    return new PatchSyntaxException(where.apply(Math.max(1, p.line())).at(Math.max(1, p.column())),
        what + ": " + p.message());
  }

  private static final class QuietParser extends smaliParser {
    private final List<Problem> problems;

    QuietParser(TokenStream input, List<Problem> problems) {
      super(input);
      this.problems = problems;
    }

    @Override
    public void displayRecognitionError(String[] tokenNames, RecognitionException e) {
      problems.add(new Problem(e.line, e.charPositionInLine + 1, getErrorMessage(e, tokenNames)));
    }

    @Override
    public void emitErrorMessage(String msg) {
      problems.add(new Problem(0, 0, msg));
    }
  }

  private static final class QuietWalker extends smaliTreeWalker {
    private final List<Problem> problems;

    QuietWalker(TreeNodeStream input, List<Problem> problems) {
      super(input);
      this.problems = problems;
    }

    @Override
    public void displayRecognitionError(String[] tokenNames, RecognitionException e) {
      problems.add(new Problem(e.line, e.charPositionInLine + 1, getErrorMessage(e, tokenNames)));
    }

    @Override
    public void emitErrorMessage(String msg) {
      problems.add(new Problem(0, 0, msg));
    }
  }
}
