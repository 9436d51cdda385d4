package dev.vigil.pipeline.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/** Writes replay files under a local directory (created on demand), each atomically. */
public final class LocalDirectorySink implements ArtifactSink {
  private final Path root;

  public LocalDirectorySink(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public void put(String name, byte[] bytes, String contentType) throws IOException {
    Path target = root.resolve(name).normalize();
    if (!target.startsWith(root.normalize())) {
      throw new IOException("file name " + name + " escapes " + root);
    }
    Files.createDirectories(target.getParent());
    // Write then rename, so a reader never sees half an index.
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String location() {
    return root.toString();
  }
}
