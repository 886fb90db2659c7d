package dev.untrack.testkit.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;

/**
 * Targets of the calls the sandbox rewrites: {@code URL.openConnection()} and friends in sandboxed classes
 * become static calls here, which route to the calling sandbox's {@link FakeNetwork}. Public because the
 * rewritten classes live in another class loader.
 */
public final class NetHook {
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private NetHook() {}

  public static URLConnection openConnection(URL url) throws IOException {
    return connect(url, WALKER.getCallerClass());
  }

  public static URLConnection openConnection(URL url, Proxy proxy) throws IOException {
    return connect(url, WALKER.getCallerClass());
  }

  public static InputStream openStream(URL url) throws IOException {
    return connect(url, WALKER.getCallerClass()).getInputStream();
  }

  /** Sandboxed code reached for a raw socket: refused, so no request can bypass the recorder. */
  public static void refuseSocket() {
    throw new SecurityException("raw sockets are not available in the sandbox; use URL connections");
  }

  private static URLConnection connect(URL url, Class<?> caller) throws IOException {
    if (!(caller.getClassLoader() instanceof SandboxClassLoader loader)) {
      throw new IOException("network call from outside a sandbox: " + caller);
    }
    String protocol = url.getProtocol();
    if (!"http".equals(protocol) && !"https".equals(protocol)) {
      throw new IOException("sandbox network supports http(s) only: " + url);
    }
    return new RecordingConnection(url, loader.network());
  }
}
