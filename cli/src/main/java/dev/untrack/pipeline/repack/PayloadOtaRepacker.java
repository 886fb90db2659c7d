package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import java.io.IOException;

final class PayloadOtaRepacker implements Repacker {
  @Override
  public RepackResult repack(RepackRequest r) throws IOException {
    RepackSupport.check(r);
    if (r.changedPartitions().isEmpty()) {
      return RepackSupport.copyUnchanged(r);
    }
    throw new UserException(ExitCode.BAD_INPUT, r.input().path() + ": writing this OTA kind back is not done yet");
  }
}
