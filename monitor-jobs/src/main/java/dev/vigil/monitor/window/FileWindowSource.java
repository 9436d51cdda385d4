package dev.vigil.monitor.window;

import dev.vigil.capture.format.CaptureLineReader;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.JsonLines;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.stats.UnusableReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads local JSON Lines capture files (e.g. SageMaker data-capture files copied down, or an
 * export), streaming, keeping records inside the window. Corrupt lines count for the window
 * (a file has no key time).
 */
public final class FileWindowSource implements WindowSource {
  private final List<Path> files;
  private final CaptureLineReader lines = new CaptureLineReader();

  public FileWindowSource(List<Path> files) {
    this.files = List.copyOf(files);
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public <V extends CaptureVisitor> List<V> read(Window window, Supplier<V> newVisitor) throws WindowReadException {
    V v = newVisitor.get();
    for (Path f : files) {
      String path = f.toString();
      try (InputStream in = Files.newInputStream(f)) {
        JsonLines.forEachLine(in, (buf, off, len, lineNumber) -> {
          CaptureRecord r;
          try {
            r = lines.read(buf, off, len);
          } catch (MalformedCaptureException e) {
            v.malformed(UnusableReason.of(e), e.getMessage(), CaptureLocation.file(path, lineNumber));
            return;
          }
          if (window.contains(r.inferenceTime())) {
            v.record(r, CaptureLocation.file(path, lineNumber));
          }
        });
      } catch (IOException e) {
        throw new WindowReadException("cannot read capture file " + f + ": " + e.getMessage(), e);
      }
    }
    return List.of(v);
  }
}
