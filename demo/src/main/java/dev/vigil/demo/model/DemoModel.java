package dev.vigil.demo.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's trained traffic-sign classifier, shipped inside the jar: a SignNet (small ResNet) trained in Java by
 * {@code vigil demo train} with the committed plan, about 0.3 MB.
 *
 * <p>Input {@code image}: float32 [N, 3, 64, 64], RGB, pixel / 255 (endpoint preprocessing width 64, height 64,
 * scale 255, mean 0, std 1). Output {@code logits}: float32 [N, 25] pre-softmax scores in the order of
 * {@code SignClass.labels()}. {@code traffic-signs.json} next to it records the training plan and each epoch's
 * loss and held-out accuracy.
 */
public final class DemoModel {

  /** Class-path location of the model. */
  public static final String RESOURCE = "/dev/vigil/demo/model/traffic-signs.onnx";
  /** Class-path location of its labels file: one class name per line, line number = class index. */
  public static final String LABELS = "/dev/vigil/demo/model/traffic-signs.labels";
  /** Class-path location of its training record. */
  public static final String TRAINING_RECORD = "/dev/vigil/demo/model/traffic-signs.json";

  private DemoModel() {}

  /**
   * The model's bytes.
   *
   * @throws IllegalStateException when the jar was built without the model
   */
  public static byte[] bytes() {
    return read(RESOURCE);
  }

  /** The labels file's bytes (the Docker image copies it to /models next to the model). */
  public static byte[] labelsFile() {
    return read(LABELS);
  }

  /** The training record (JSON). */
  public static String trainingRecord() {
    return new String(read(TRAINING_RECORD), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Writes the model to {@code file}, creating parent folders.
   *
   * @return {@code file}
   * @throws IOException when it cannot be written
   */
  public static Path writeTo(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, bytes());
    return file;
  }

  private static byte[] read(String resource) {
    try (InputStream in = DemoModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the demo model " + resource + " is not on the class path: rebuild vigil.jar "
            + "from a full checkout, or train one with 'vigil demo train --out FILE'");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource + " from the class path", e);
    }
  }
}
