package dev.vigil.demo.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vigil.demo.signs.SignBatch;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.saliency.autodiff.OnnxGraph;
import dev.vigil.saliency.autodiff.OrtEnvironments;
import dev.vigil.saliency.autodiff.TrainingGraph;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains {@link SignNet} on freshly generated traffic-sign images with ONNX Runtime: each step runs the
 * {@link TrainingGraph} (forward, cross-entropy, backward in one session run) and updates the weights with
 * {@link AdamW} in Java; batch-normalization running statistics follow the batch statistics with momentum 0.1.
 *
 * <p>Every epoch sees new images (the generator draws unlimited variations), so the held-out accuracy measures
 * generalisation, not memory. The learning rate warms up linearly over the first epoch and then follows a cosine
 * to zero. Deterministic for a given plan: the same seed and thread count give the same weights.
 */
public final class SignNetTrainer {

  /** The generator style seed of the demo's images ({@code vigil demo generate}'s default). */
  public static final long GENERATOR_SEED = 7;
  /** Data-set seed of the held-out images reported per epoch (training data-set seeds never take it). */
  public static final long HELD_OUT_DATASET_SEED = 0x5EED_0FF5L;

  private static final double BN_MOMENTUM = 0.1;
  private static final int CHUNK_PER_CLASS = 20;

  /**
   * What to train.
   *
   * @param seed weight initialisation and training data
   * @param epochs passes, each over new images
   * @param imagesPerClass images per class per epoch
   * @param batchSize images per step
   * @param learningRate peak AdamW learning rate
   * @param weightDecay decoupled weight decay
   * @param heldOutPerClass held-out images per class for the per-epoch accuracy
   * @param threads ONNX Runtime intra-op threads
   */
  public record Plan(long seed, int epochs, int imagesPerClass, int batchSize, double learningRate,
      double weightDecay, int heldOutPerClass, int threads) {
    public Plan {
      if (epochs < 1 || imagesPerClass < 1 || batchSize < 2 || heldOutPerClass < 1 || threads < 1) {
        throw new IllegalArgumentException("epochs, images per class, held-out per class and threads must be >= 1 "
            + "and the batch size >= 2 (batch statistics need two images)");
      }
      if (!(learningRate > 0) || weightDecay < 0) {
        throw new IllegalArgumentException("learning rate must be > 0 and weight decay >= 0");
      }
    }

    /** The plan that made the committed model. */
    public static Plan committed(int threads) {
      return new Plan(2026, 12, 240, 64, 0.005, 5e-4, 40, threads);
    }
  }

  /** One finished epoch. */
  public record Epoch(int epoch, double meanLoss, double trainAccuracy, double heldOutAccuracy, Duration took) {}

  /** The result: the inference model and its history. */
  public record Trained(byte[] model, List<Epoch> epochs) {
    /** Held-out accuracy after the last epoch. */
    public double heldOutAccuracy() {
      return epochs.get(epochs.size() - 1).heldOutAccuracy();
    }
  }

  /** Progress callbacks, from the training thread. */
  public interface Progress {
    /** A step finished; {@code done} of {@code total} steps of this epoch. */
    void step(int epoch, int done, int total, double loss);

    /** An epoch finished. */
    void epoch(Epoch epoch);
  }

  private final SignGenerator generator;
  private final SignNet net;
  private final List<String> labels;

  /** Trains the architecture for the generator's classes on its images. */
  public SignNetTrainer(SignGenerator generator) {
    this.generator = generator;
    this.labels = generator.labels();
    this.net = new SignNet(labels.size());
  }

  /**
   * Runs the plan.
   *
   * @throws OrtException when ONNX Runtime fails
   */
  public Trained train(Plan plan, Progress progress) throws OrtException {
    Objects.requireNonNull(progress, "progress");
    Map<String, float[]> weights = net.initialWeights(plan.seed());
    ModelProto training;
    try {
      training = TrainingGraph.build(OnnxGraph.parse(net.model(weights, labels).toByteArray(), "SignNet"),
          net.trainable(), 3, SignNet.SIZE, SignNet.SIZE);
    } catch (IOException e) {
      throw new IllegalStateException("SignNet does not serialize to a valid ONNX model", e);
    }
    SignBatch heldOut = generator.batch(plan.heldOutPerClass(), HELD_OUT_DATASET_SEED);
    OrtEnvironment env = OrtEnvironments.get();
    AdamW optimiser = new AdamW(plan.weightDecay());
    int chunks = (plan.imagesPerClass() + CHUNK_PER_CLASS - 1) / CHUNK_PER_CLASS;
    int stepsPerEpoch = 0;
    for (int c = 0; c < chunks; c++) {
      stepsPerEpoch += batches(chunkSize(plan, c) * labels.size(), plan.batchSize());
    }
    long totalSteps = (long) stepsPerEpoch * plan.epochs();
    List<Epoch> history = new ArrayList<>();
    byte[] model = null;
    long step = 0;
    try (OrtSession.SessionOptions options = Inference.options(plan.threads());
        OrtSession session = env.createSession(training.toByteArray(), options)) {
      for (int epoch = 1; epoch <= plan.epochs(); epoch++) {
        long started = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        int done = 0;
        for (int c = 0; c < chunks; c++) {
          List<SignSample> samples = generator.dataset(chunkSize(plan, c), datasetSeed(plan.seed(), epoch, c));
          for (int from = 0; from < samples.size(); from += plan.batchSize()) {
            List<SignSample> part = samples.subList(from, Math.min(samples.size(), from + plan.batchSize()));
            if (part.size() < 2) {
              continue; // batch statistics need two images
            }
            double lr = learningRate(plan, step++, stepsPerEpoch, totalSteps);
            StepResult r = step(env, session, SignBatch.of(part), weights, optimiser, lr);
            lossSum += r.loss * part.size();
            correct += r.correct;
            seen += part.size();
            progress.step(epoch, ++done, stepsPerEpoch, r.loss);
          }
        }
        model = net.model(weights, labels).toByteArray();
        double accuracy = Inference.accuracy(model, heldOut, plan.threads());
        Epoch e = new Epoch(epoch, lossSum / seen, (double) correct / seen, accuracy,
            Duration.ofNanos(System.nanoTime() - started));
        history.add(e);
        progress.epoch(e);
      }
    }
    return new Trained(model, List.copyOf(history));
  }

  private record StepResult(float loss, int correct) {}

  private StepResult step(OrtEnvironment env, OrtSession session, SignBatch batch, Map<String, float[]> weights,
      AdamW optimiser, double learningRate) throws OrtException {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      feeds.put(SignNet.INPUT, OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()),
          new long[] {batch.n(), batch.c(), batch.h(), batch.w()}));
      long[] labelsOfBatch = new long[batch.n()];
      for (int i = 0; i < labelsOfBatch.length; i++) {
        labelsOfBatch[i] = batch.labels()[i];
      }
      feeds.put(TrainingGraph.LABELS, OnnxTensor.createTensor(env, LongBuffer.wrap(labelsOfBatch),
          new long[] {batch.n()}));
      for (String p : net.trainable()) {
        feeds.put(p, OnnxTensor.createTensor(env, FloatBuffer.wrap(weights.get(p)), net.shape(p)));
      }
      try (OrtSession.Result r = session.run(feeds)) {
        Map<String, float[]> out = new HashMap<>();
        for (var e : r) {
          FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
          float[] v = new float[b.remaining()];
          b.get(v);
          out.put(e.getKey(), v);
        }
        optimiser.nextStep();
        for (String p : net.trainable()) {
          optimiser.update(p, weights.get(p), out.get(TrainingGraph.gradientOf(p)), learningRate);
        }
        for (int i = 0; i < net.runningMeans().size(); i++) {
          follow(weights.get(net.runningMeans().get(i)), out.get(TrainingGraph.batchMean(net.runningMeans().get(i))));
          follow(weights.get(net.runningVariances().get(i)),
              out.get(TrainingGraph.batchVariance(net.runningVariances().get(i))));
        }
        int correct = Inference.correct(out.get(TrainingGraph.LOGITS), batch.labels(), net.classes());
        return new StepResult(out.get(TrainingGraph.LOSS)[0], correct);
      }
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  private static void follow(float[] running, float[] batch) {
    for (int i = 0; i < running.length; i++) {
      running[i] = (float) ((1 - BN_MOMENTUM) * running[i] + BN_MOMENTUM * batch[i]);
    }
  }

  /** Linear warm-up over the first epoch, then a cosine from the peak to zero. */
  static double learningRate(Plan plan, long step, int stepsPerEpoch, long totalSteps) {
    if (step < stepsPerEpoch) {
      return plan.learningRate() * (step + 1) / stepsPerEpoch;
    }
    double progress = (double) (step - stepsPerEpoch) / Math.max(1, totalSteps - stepsPerEpoch);
    return plan.learningRate() * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  private static int chunkSize(Plan plan, int chunk) {
    return Math.min(CHUNK_PER_CLASS, plan.imagesPerClass() - chunk * CHUNK_PER_CLASS);
  }

  private static int batches(int images, int batchSize) {
    int full = images / batchSize;
    return images % batchSize >= 2 ? full + 1 : full;
  }

  /** A data-set seed per (seed, epoch, chunk), never the held-out one. */
  static long datasetSeed(long seed, int epoch, int chunk) {
    long s = seed * 1_000_003L + epoch * 10_007L + chunk;
    return s == HELD_OUT_DATASET_SEED ? s + 1 : s;
  }
}
