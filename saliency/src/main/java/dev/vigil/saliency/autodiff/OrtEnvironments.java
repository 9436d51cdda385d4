package dev.vigil.saliency.autodiff;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ONNX Runtime environment, created on a thread with a large stack: ONNX Runtime 1.29's native start-up can
 * overflow the JVM's default 1 MB thread stack (a segmentation fault with no hs_err file, seen from the main thread
 * of a plain {@code java -cp ...} launch with a long class path).
 */
public final class OrtEnvironments {

  /** Stack of a thread that may start ONNX Runtime's native code (its own init thread, the CLI's command threads). */
  public static final long STACK_BYTES = 64L << 20;

  private OrtEnvironments() {}

  /** The shared environment (ONNX Runtime allows one per process). */
  public static OrtEnvironment get() {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread init = new Thread(null, () -> {
      try {
        result.set(OrtEnvironment.getEnvironment());
      } catch (RuntimeException | Error e) {
        result.set(e);
      }
    }, "onnxruntime-init", STACK_BYTES);
    init.start();
    try {
      init.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    }
    Object r = result.get();
    if (r instanceof RuntimeException e) {
      throw e;
    }
    if (r instanceof Error e) {
      throw e;
    }
    return (OrtEnvironment) r;
  }
}
