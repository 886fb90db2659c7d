package dev.untrack.testkit.sandbox;

import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a sandboxed class so its network calls reach {@link NetHook} instead of the JDK: {@code
 * URL.openConnection()}, {@code URL.openConnection(Proxy)} and {@code URL.openStream()}. Nothing else in the
 * class changes (the stack effect of each rewritten call is identical, so frames stay valid). Direct socket use
 * is refused: fixture code must go through URLs so every request is seen.
 */
final class NetworkRewriter {
  private static final String HOOK = NetHook.class.getName().replace('.', '/');

  private NetworkRewriter() {}

  /**
   * @param hierarchy internal name → class bytes for every non-JDK class the sandbox can load (frames are
   *     recomputed: dex2jar output has none, and the JVM verifier requires them)
   */
  static byte[] rewrite(byte[] classFile, Function<String, byte[]> hierarchy) {
    ClassReader r = new ClassReader(classFile);
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
      @Override
      protected String getCommonSuperClass(String a, String b) {
        if (isInterface(a, hierarchy) || isInterface(b, hierarchy)) {
          return "java/lang/Object";
        }
        java.util.Set<String> supers = new java.util.HashSet<>();
        for (String t = a; t != null; t = superName(t, hierarchy)) {
          supers.add(t);
        }
        for (String t = b; t != null; t = superName(t, hierarchy)) {
          if (supers.contains(t)) {
            return t;
          }
        }
        return "java/lang/Object";
      }
    };
    r.accept(new ClassVisitor(Opcodes.ASM9, w) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
        return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, sig, ex)) {
          @Override
          public void visitMethodInsn(int op, String owner, String mname, String mdesc, boolean itf) {
            if (op == Opcodes.INVOKEVIRTUAL && owner.equals("java/net/URL")) {
              switch (mname + mdesc) {
                case "openConnection()Ljava/net/URLConnection;":
                  super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "openConnection",
                      "(Ljava/net/URL;)Ljava/net/URLConnection;", false);
                  return;
                case "openConnection(Ljava/net/Proxy;)Ljava/net/URLConnection;":
                  super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "openConnection",
                      "(Ljava/net/URL;Ljava/net/Proxy;)Ljava/net/URLConnection;", false);
                  return;
                case "openStream()Ljava/io/InputStream;":
                  super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "openStream",
                      "(Ljava/net/URL;)Ljava/io/InputStream;", false);
                  return;
                default:
                  break;
              }
            }
            if (owner.equals("java/net/Socket") || owner.equals("javax/net/SocketFactory")
                || owner.startsWith("java/net/http/") || owner.equals("java/nio/channels/SocketChannel")) {
              // a ()V call leaves the stack as it was; it throws, so the socket call never runs
              super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "refuseSocket", "()V", false);
            }
            super.visitMethodInsn(op, owner, mname, mdesc, itf);
          }
        };
      }
    }, ClassReader.SKIP_FRAMES);
    return w.toByteArray();
  }

  private static boolean isInterface(String name, Function<String, byte[]> hierarchy) {
    byte[] b = hierarchy.apply(name);
    if (b != null) {
      return (new ClassReader(b).getAccess() & Opcodes.ACC_INTERFACE) != 0;
    }
    Class<?> c = jdk(name);
    return c != null && c.isInterface();
  }

  private static String superName(String name, Function<String, byte[]> hierarchy) {
    byte[] b = hierarchy.apply(name);
    if (b != null) {
      return new ClassReader(b).getSuperName();
    }
    Class<?> c = jdk(name);
    if (c == null || c.getSuperclass() == null) {
      return name.equals("java/lang/Object") ? null : "java/lang/Object";
    }
    return c.getSuperclass().getName().replace('.', '/');
  }

  private static Class<?> jdk(String name) {
    try {
      return Class.forName(name.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
