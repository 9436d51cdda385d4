package dev.vigil.saliency.sanity;

import ai.onnxruntime.OrtEnvironment;

/**
 * Loads ONNX Runtime on a thread with a large stack. ORT 1.29's native initialisation needs more
 * than the 1-2 MB a JVM main/test thread gets on some machines (it segfaults the JVM there);
 * once loaded, any thread can use it.
 */
public final class OrtTestSupport {
  private OrtTestSupport() {}

  public static void init() throws InterruptedException {
    Thread t = new Thread(null, OrtEnvironment::getEnvironment, "ort-init", 64L << 20);
    t.start();
    t.join();
  }
}
