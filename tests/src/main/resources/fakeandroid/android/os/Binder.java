package android.os;

/** Fake: a local binder; transact dispatches to onTransact as the kernel would for a remote caller. */
public class Binder implements IBinder {
  private IInterface owner;
  private String descriptor;

  public void attachInterface(IInterface owner, String descriptor) {
    this.owner = owner;
    this.descriptor = descriptor;
  }

  @Override
  public IInterface queryLocalInterface(String descriptor) {
    return descriptor != null && descriptor.equals(this.descriptor) ? owner : null;
  }

  @Override
  public String getInterfaceDescriptor() {
    return descriptor;
  }

  @Override
  public boolean pingBinder() {
    return true;
  }

  @Override
  public final boolean transact(int code, Parcel data, Parcel reply, int flags) throws RemoteException {
    data.setDataPosition(0);
    boolean r = onTransact(code, data, reply, flags);
    if (reply != null) {
      reply.setDataPosition(0);
    }
    return r;
  }

  protected boolean onTransact(int code, Parcel data, Parcel reply, int flags) throws RemoteException {
    if (code == INTERFACE_TRANSACTION) {
      reply.writeString(descriptor);
      return true;
    }
    return false;
  }

  public static int getCallingUid() {
    return 10000;
  }

  public static int getCallingPid() {
    return 1;
  }

  public static long clearCallingIdentity() {
    return 0;
  }

  public static void restoreCallingIdentity(long token) {}
}
