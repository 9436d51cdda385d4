package dev.vigil.saliency;

/**
 * How to run saliency: device, threads and batch size (mirrors the {@code saliency} config section).
 *
 * @param device {@code "cpu"} or {@code "cuda"}; cuda falls back to cpu with a logged reason
 * @param intraOpThreads ONNX Runtime intra-op threads, at least 1
 * @param batchSize images per session run, at least 1; larger inputs are split
 */
public record SaliencyOptions(String device, int intraOpThreads, int batchSize) {

  /** CPU, 2 threads, batches of 16: the config defaults. */
  public static final SaliencyOptions DEFAULTS = new SaliencyOptions("cpu", 2, 16);

  /** @throws IllegalArgumentException naming the bad field */
  public SaliencyOptions {
    if (!"cpu".equals(device) && !"cuda".equals(device)) {
      throw new IllegalArgumentException("saliency.device must be cpu or cuda, got '" + device + "'");
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("saliency.intraOpThreads must be at least 1, got " + intraOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("saliency.batchSize must be at least 1, got " + batchSize);
    }
  }

  /** A copy running on {@code device}. */
  public SaliencyOptions withDevice(String device) {
    return new SaliencyOptions(device, intraOpThreads, batchSize);
  }

  /** A copy with {@code threads} intra-op threads. */
  public SaliencyOptions withIntraOpThreads(int threads) {
    return new SaliencyOptions(device, threads, batchSize);
  }

  /** A copy with batches of {@code size}. */
  public SaliencyOptions withBatchSize(int size) {
    return new SaliencyOptions(device, intraOpThreads, size);
  }
}
