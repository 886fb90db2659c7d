package dev.untrack.testkit.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One simulated app process on the JVM: the app's dex (translated by dex2jar), optional extra dex (a
 * framework jar the app reaches by reflection, for example), the fake Android runtime, a fake network, and an
 * {@code android.app.Application} for the app's package. Tests drive the app through reflection helpers and
 * then look at what the network saw.
 */
public final class AndroidSandbox implements AutoCloseable {
  private final SandboxClassLoader loader;
  private final FakeNetwork network;
  private final Path dataDir;
  private final Object application;

  private AndroidSandbox(String packageName, List<byte[]> dexes) {
    Map<String, byte[]> raw = new TreeMap<>();
    for (byte[] dex : dexes) {
      // the first definition wins, as in Android's class path order
      DexToClasses.translate(dex).forEach(raw::putIfAbsent);
    }
    Map<String, byte[]> fakes = FakeAndroid.classes();
    Function<String, byte[]> hierarchy = n -> raw.containsKey(n) ? raw.get(n) : fakes.get(n);
    Map<String, byte[]> app = new TreeMap<>();
    raw.forEach((name, bytes) -> app.put(name, NetworkRewriter.rewrite(bytes, hierarchy)));
    this.network = new FakeNetwork();
    this.loader = new SandboxClassLoader(app, FakeAndroid.classes(), network);
    try {
      this.dataDir = Files.createTempDirectory("sandbox-" + packageName);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.application = callStatic("android.app.Application", "create", packageName, dataDir.toFile());
  }

  /** A process for {@code packageName} running the given dex files (the app's, then any extra ones). */
  public static AndroidSandbox of(String packageName, List<byte[]> dexes) {
    return new AndroidSandbox(packageName, dexes);
  }

  public FakeNetwork network() {
    return network;
  }

  /** The process's {@code android.app.Application} (a Context). */
  public Object context() {
    return application;
  }

  public Class<?> load(String className) {
    try {
      return Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("class not in sandbox: " + className, e);
    }
  }

  public boolean has(String className) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  // ---- device state -------------------------------------------------------------------------------------

  private Object resolver() {
    return call(application, "getContentResolver");
  }

  /** Sets (value) or removes (null) a {@code Settings.Secure} key. */
  public AndroidSandbox secure(String key, Integer value) {
    return setting("secure", key, value);
  }

  /** Sets (value) or removes (null) a {@code Settings.Global} key. */
  public AndroidSandbox global(String key, Integer value) {
    return setting("global", key, value);
  }

  @SuppressWarnings("unchecked")
  private AndroidSandbox setting(String table, String key, Integer value) {
    try {
      Object r = resolver();
      Map<String, String> m = (Map<String, String>) r.getClass().getField(table).get(r);
      if (value == null) {
        m.remove(key);
      } else {
        m.put(key, value.toString());
      }
      return this;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public String secureValue(String key) {
    try {
      Object r = resolver();
      return ((Map<String, String>) r.getClass().getField("secure").get(r)).get(key);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Log lines the app wrote through {@code android.util.Log}. */
  @SuppressWarnings("unchecked")
  public List<String> log() {
    return List.copyOf((List<String>) staticField("android.util.Log", "lines"));
  }

  /** Puts a file into the app's assets (what {@code Context.getAssets()} opens). */
  public AndroidSandbox asset(String name, byte[] bytes) {
    try {
      Path dir = Files.createDirectories(dataDir.resolve("assets"));
      Files.write(dir.resolve(name), bytes);
      return this;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Paths the app tried to load code from ({@code DexClassLoader}/{@code PathClassLoader}). */
  @SuppressWarnings("unchecked")
  public List<String> codeLoads() {
    List<String> all = new ArrayList<>((List<String>) staticField("dalvik.system.DexClassLoader", "loaded"));
    all.addAll((List<String>) staticField("dalvik.system.PathClassLoader", "loaded"));
    return all;
  }

  /** Intents the app tried to bind to (by action/package), whether or not a service answered. */
  @SuppressWarnings("unchecked")
  public List<String> bindAttempts() {
    List<String> out = new ArrayList<>();
    for (Object i : (List<Object>) staticField("android.content.Sandbox", "bindAttempts")) {
      out.add(String.valueOf(call(i, "getAction")) + " -> " + call(i, "getPackage"));
    }
    return out;
  }

  /** Pretend no application exists yet (code that runs before Application.onCreate, or in odd processes). */
  public void detachApplication() {
    callStatic("android.app.ActivityThread", "setCurrentApplicationForTest", new Object[] {null});
  }

  // ---- services between sandboxes -----------------------------------------------------------------------

  /**
   * Answers this app's {@code bindService} calls whose intent action or package matches {@code key} with a
   * binder served by {@code service} in another sandbox: parcels are carried across as values, as the binder
   * driver would carry bytes between processes.
   */
  public void connectService(String actionOrPackage, AndroidSandbox provider, Object providerBinder) {
    Class<?> iBinder = load("android.os.IBinder");
    Object localProxy = Proxy.newProxyInstance(loader, new Class<?>[] {iBinder}, (proxy, m, args) -> {
      switch (m.getName()) {
        case "transact": {
          int code = (Integer) args[0];
          Object data = args[1];
          Object reply = args[2];
          int flags = (Integer) args[3];
          Object remoteData = provider.callStatic("android.os.Parcel", "obtain");
          Object remoteReply = provider.callStatic("android.os.Parcel", "obtain");
          provider.call(remoteData, "setValues", call(data, "values"));
          Object ok = provider.call(providerBinder, "transact", code, remoteData, remoteReply, flags);
          if (reply != null) {
            call(reply, "setValues", provider.call(remoteReply, "values"));
          }
          return ok;
        }
        case "queryLocalInterface":
          return null;
        case "getInterfaceDescriptor":
          return provider.call(providerBinder, "getInterfaceDescriptor");
        case "pingBinder":
          return true;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        case "toString":
          return "RemoteBinder(" + actionOrPackage + ")";
        default:
          throw new UnsupportedOperationException(m.getName());
      }
    });
    @SuppressWarnings("unchecked")
    Function<Object, Object> previous = (Function<Object, Object>) staticField("android.content.Sandbox", "services");
    Function<Object, Object> fn = intent -> {
      Object action = call(intent, "getAction");
      Object pkg = call(intent, "getPackage");
      if (actionOrPackage.equals(action) || actionOrPackage.equals(pkg)) {
        return localProxy;
      }
      return previous.apply(intent);
    };
    setStaticField("android.content.Sandbox", "services", fn);
  }

  /** Instantiates a service class of this app, attaches it, runs onCreate and returns its onBind binder. */
  public Object bindLocalService(String serviceClass, String action) {
    Object svc = newInstance(serviceClass);
    call(svc, "attach", application);
    call(svc, "onCreate");
    Object intent = newInstance("android.content.Intent", action);
    return call(svc, "onBind", intent);
  }

  // ---- reflection helpers -------------------------------------------------------------------------------

  public Object newInstance(String className, Object... args) {
    Class<?> c = load(className);
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (fits(k.getParameterTypes(), args)) {
        try {
          k.setAccessible(true);
          return k.newInstance(args);
        } catch (InvocationTargetException e) {
          throw rethrow(e);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalArgumentException("no constructor of " + className + " fits " + List.of(args));
  }

  public Object callStatic(String className, String method, Object... args) {
    return invoke(load(className), null, method, args);
  }

  public Object call(Object target, String method, Object... args) {
    return invoke(target.getClass(), target, method, args);
  }

  public Object staticField(String className, String field) {
    try {
      java.lang.reflect.Field f = load(className).getDeclaredField(field);
      f.setAccessible(true);
      return f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  public void setStaticField(String className, String field, Object value) {
    try {
      java.lang.reflect.Field f = load(className).getDeclaredField(field);
      f.setAccessible(true);
      f.set(null, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(Class<?> c, Object target, String method, Object[] args) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Method m : k.getDeclaredMethods()) {
        if (m.getName().equals(method) && (target == null) == Modifier.isStatic(m.getModifiers())
            && fits(m.getParameterTypes(), args)) {
          try {
            m.setAccessible(true);
            return m.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw rethrow(e);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    for (Class<?> i : allInterfaces(c)) {
      for (Method m : i.getMethods()) {
        if (m.getName().equals(method) && fits(m.getParameterTypes(), args) && target != null) {
          try {
            return m.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw rethrow(e);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    throw new IllegalArgumentException("no method " + c.getName() + "." + method + " fits " + java.util.Arrays.toString(args));
  }

  private static List<Class<?>> allInterfaces(Class<?> c) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      out.addAll(List.of(k.getInterfaces()));
    }
    return out;
  }

  private static final Map<Class<?>, Class<?>> BOXES = new HashMap<>(Map.of(
      boolean.class, Boolean.class, int.class, Integer.class, long.class, Long.class,
      double.class, Double.class, float.class, Float.class, byte.class, Byte.class,
      short.class, Short.class, char.class, Character.class));

  private static boolean fits(Class<?>[] params, Object[] args) {
    if (params.length != args.length) {
      return false;
    }
    for (int i = 0; i < params.length; i++) {
      Class<?> p = params[i].isPrimitive() ? BOXES.get(params[i]) : params[i];
      if (args[i] == null ? params[i].isPrimitive() : !p.isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }

  private static RuntimeException rethrow(InvocationTargetException e) {
    Throwable t = e.getCause();
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new SandboxException(t);
  }

  /** A checked exception thrown by sandboxed code. */
  public static final class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SandboxException(Throwable cause) {
      super(cause);
    }
  }

  @Override
  public void close() {
    try (java.util.stream.Stream<Path> s = Files.walk(dataDir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temp files; best effort
    }
  }
}
