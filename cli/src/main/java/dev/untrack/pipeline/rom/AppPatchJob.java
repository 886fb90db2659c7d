package dev.untrack.pipeline.rom;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.app.App;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.firmware.AppFile;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.apk.InstallLocation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Patches one APK or JAR of a firmware into a file of the work directory. Only apps the patches change get a
 * file; the signing decision is {@link SingleAppPatch}'s (system apps: keep-cert; {@code data-app}: re-sign or
 * refuse). A failing app is reported and the batch goes on.
 */
final class AppPatchJob {
  /** The change, and the patched file (null unless the app was patched). */
  record Result(AppFile app, AppChange change, Path patched) {}

  private final RomPatchRequest request;
  private final Path workDir;

  AppPatchJob(RomPatchRequest request, Path workDir) {
    this.request = request;
    this.workDir = workDir;
  }

  Result run(AppFile f, FileSystemImage fs, int index) {
    String location = f.location();
    try (App app = App.open(nonClosing(f.content()), location, oatBeside(fs, f))) {
      PatchResult result = new Patcher(request.patches(), request.policy()).patch(app);
      if (!result.hasChanges()) {
        PatchReport r = result.report();
        return new Result(f, change(location, r, "unchanged", ""), null);
      }
      Path out = workDir.resolve("app-" + index + (f.isJar() ? ".jar" : ".apk"));
      InstallLocation where = f.isDataApp() ? InstallLocation.DATA_APP : InstallLocation.SYSTEM;
      SingleAppPatch.Request req = new SingleAppPatch.Request(Path.of(f.path()), out, request.patches(),
          request.policy(), request.signing(), where, request.appKey());
      PatchReport r = SingleAppPatch.writeResult(app, result, fileName(f), out, req);
      return new Result(f, change(location, r, r.signing(), r.signingNote()), out);
    } catch (PatchException | SigningException | RomFormatException e) {
      return failed(f, e.getMessage());
    } catch (IOException e) {
      return failed(f, location + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return failed(f, location + ": " + e);
    }
  }

  private static Result failed(AppFile f, String message) {
    return new Result(f, new AppChange(f.location(), null, "FAILED", List.of(), "none", "not written", List.of(),
        message), null);
  }

  private static AppChange change(String location, PatchReport r, String signing, String note) {
    List<String> ids = r.applied().stream()
        .filter(a -> a.methods().stream().anyMatch(PatchReport.Touched::changed))
        .map(PatchReport.Applied::patch).toList();
    List<String> entries = new java.util.ArrayList<>(r.changedEntries());
    entries.addAll(r.addedEntries());
    return new AppChange(location, r.packageName(), r.outcome().name(), ids, signing, note, entries,
        r.errors().isEmpty() ? null : String.join("; ", r.errors()));
  }

  private static String fileName(AppFile f) {
    return f.path().substring(f.path().lastIndexOf('/') + 1);
  }

  /** An app is odexed when its folder has {@code oat/}. */
  private static boolean oatBeside(FileSystemImage fs, AppFile f) throws IOException {
    String dir = f.path().substring(0, f.path().lastIndexOf('/'));
    Optional<FsEntry> oat = fs.lookup(dir + "/oat");
    return oat.isPresent() && oat.get().isDirectory();
  }

  /** The firmware owns the bytes; closing the app must not close them. */
  private static ByteSource nonClosing(ByteSource s) {
    return s.slice(0, s.size(), s.name());
  }
}
