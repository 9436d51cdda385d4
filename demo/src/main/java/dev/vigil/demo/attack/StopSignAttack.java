package dev.vigil.demo.attack;

import ai.onnxruntime.OrtException;
import dev.vigil.classes.Softmax;
import dev.vigil.saliency.ImageTensor;
import dev.vigil.saliency.InputGradient;
import dev.vigil.saliency.SaliencyOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Targeted projected gradient descent toward one class (Madry et al., "Towards Deep Learning
 * Models Resistant to Adversarial Attacks", ICLR 2018; targeted form as in Kurakin et al. 2017):
 *
 * <pre>
 *   x_{k+1} = Proj_{B_inf(x_0, eps) ∩ [0,1]} ( x_k + alpha * sign(∇_x log p_t(x_k)) )
 * </pre>
 *
 * with {@code t} the target class (Stop in the demo) and the gradient from {@link InputGradient}
 * ({@link InputGradient.Objective#LOG_PROBABILITY}), i.e. ONNX Runtime running the model with its
 * own backward pass.
 *
 * <p><b>Pixels stay 8-bit.</b> The state is kept as integer levels 0..255 and {@code eps} and
 * {@code alpha} are whole levels, so every iterate lies on the 1/255 grid: the PNG sent over HTTP
 * decodes to exactly the tensor that was attacked, and the L-inf distance is an exact integer
 * ({@code max |x - x_0| * 255}). The model's input is {@code level / 255} per RGB channel (no mean
 * or std), the demo model's contract.
 *
 * <p><b>Early stop.</b> An image leaves the loop as soon as the target is its top-1 class by at
 * least {@code margin} logits, so the perturbation is as small as the search finds, and the
 * model's confidence in the wrong answer stays modest (the monitor's low-confidence check sees
 * it). Images still short of the target after {@code maxSteps} are reported as failures.
 *
 * <p>Not thread-safe; one attack at a time (the gradient runs are serialised anyway).
 */
public final class StopSignAttack implements AutoCloseable {
  /** The largest budget the demo allows: 8/255, a change a person does not notice. */
  public static final int MAX_EPSILON = 8;

  /**
   * How hard to push.
   *
   * @param epsilon L-inf budget in 1/255 levels, 1..{@value #MAX_EPSILON}
   * @param step step size alpha in levels, 1..epsilon
   * @param maxSteps gradient steps per image at most, at least 1
   * @param margin stop once {@code z_t - max_{j != t} z_j >= margin} (logits), at least 0
   * @param batchSize images per gradient run, at least 1
   */
  public record Settings(int epsilon, int step, int maxSteps, double margin, int batchSize) {
    /** 8/255 budget, 1/255 steps, up to 24 of them, a 0.5 logit margin, batches of 16. */
    public static final Settings DEFAULTS = new Settings(MAX_EPSILON, 1, 24, 0.5, 16);

    /** @throws IllegalArgumentException naming the bad field */
    public Settings {
      require(epsilon >= 1 && epsilon <= MAX_EPSILON, "epsilon must be 1..%d levels (of 255), got %d",
          MAX_EPSILON, epsilon);
      require(step >= 1 && step <= epsilon, "step must be 1..epsilon (%d) levels, got %d", epsilon, step);
      require(maxSteps >= 1, "maxSteps must be at least 1, got %d", maxSteps);
      require(margin >= 0 && Double.isFinite(margin), "margin must be a finite value >= 0, got %s", margin);
      require(batchSize >= 1, "batchSize must be at least 1, got %d", batchSize);
    }

    private static void require(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }

  /**
   * One attacked image.
   *
   * @param clean the input as given
   * @param image the adversarial image (equal to {@code clean} plus at most {@code linf} levels per value)
   * @param predictedClass the model's top-1 class on {@code image}
   * @param targetProbability the soft-max probability of the target class on {@code image}
   * @param confidence the soft-max probability of {@code predictedClass}
   * @param steps gradient steps taken
   * @param linf {@code max |image - clean|} over every pixel and channel, in 1/255 levels
   */
  public record Adversarial(
      BufferedImage clean, BufferedImage image, int predictedClass, double targetProbability,
      double confidence, int steps, int linf) {}

  /**
   * What one call produced.
   *
   * @param images one per input, in input order
   * @param targetClass the class pushed toward
   * @param epsilon the budget in levels
   */
  public record Run(List<Adversarial> images, int targetClass, int epsilon) {
    public Run {
      images = List.copyOf(images);
    }

    /** Images whose top-1 class is the target. */
    public long successes() {
      return images.stream().filter(a -> a.predictedClass() == targetClass).count();
    }

    /** {@link #successes()} over the number of images (0 for none). */
    public double successRate() {
      return images.isEmpty() ? 0 : (double) successes() / images.size();
    }

    /** Mean L-inf distance in 1/255 levels. */
    public double meanLinf() {
      return images.stream().mapToInt(Adversarial::linf).average().orElse(0);
    }

    /** Largest L-inf distance in 1/255 levels (never above {@link #epsilon()}). */
    public int maxLinf() {
      return images.stream().mapToInt(Adversarial::linf).max().orElse(0);
    }

    /** Mean gradient steps per image. */
    public double meanSteps() {
      return images.stream().mapToInt(Adversarial::steps).average().orElse(0);
    }
  }

  private final InputGradient gradient;
  private final int target;
  private final Settings settings;

  private StopSignAttack(InputGradient gradient, int target, Settings settings) {
    this.gradient = gradient;
    this.target = target;
    this.settings = settings;
  }

  /**
   * Opens the model for an attack toward {@code targetClass}.
   *
   * @throws IOException when the model is missing or not a usable ONNX model
   */
  public static StopSignAttack open(Path model, SaliencyOptions options, int targetClass, Settings settings)
      throws IOException {
    Objects.requireNonNull(settings, "settings");
    if (targetClass < 0) {
      throw new IllegalArgumentException("target class must be >= 0, got " + targetClass);
    }
    return new StopSignAttack(
        InputGradient.open(model, options, InputGradient.Objective.LOG_PROBABILITY), targetClass, settings);
  }

  /**
   * Attacks every image; all must have the same size.
   *
   * @param images RGB images (alpha ignored)
   * @param onImage receives the number of images finished so far (progress display)
   * @throws OrtException when ONNX Runtime fails
   * @throws IllegalArgumentException when the sizes differ or the target is not a class of the model
   */
  public Run attack(List<BufferedImage> images, IntConsumer onImage) throws OrtException {
    List<Adversarial> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += settings.batchSize()) {
      List<BufferedImage> batch = images.subList(from, Math.min(images.size(), from + settings.batchSize()));
      out.addAll(attackBatch(batch));
      onImage.accept(out.size());
    }
    return new Run(out, target, settings.epsilon());
  }

  /** One state per image: 8-bit levels in CHW order, and the levels it started from. */
  private static final class State {
    final BufferedImage clean;
    final int[] x0;
    final int[] x;
    int steps;
    Adversarial done;

    State(BufferedImage clean, int[] x0) {
      this.clean = clean;
      this.x0 = x0;
      this.x = x0.clone();
    }
  }

  private List<Adversarial> attackBatch(List<BufferedImage> images) throws OrtException {
    int w = images.get(0).getWidth();
    int h = images.get(0).getHeight();
    List<State> states = new ArrayList<>();
    for (BufferedImage image : images) {
      if (image.getWidth() != w || image.getHeight() != h) {
        throw new IllegalArgumentException("images of one attack must have one size: " + w + "x" + h + " and "
            + image.getWidth() + "x" + image.getHeight());
      }
      states.add(new State(image, Levels.of(image)));
    }
    List<State> active = new ArrayList<>(states);
    int size = 3 * h * w;
    for (int step = 0; !active.isEmpty(); step++) {
      float[] data = new float[active.size() * size];
      for (int i = 0; i < active.size(); i++) {
        int[] x = active.get(i).x;
        for (int j = 0; j < size; j++) {
          data[i * size + j] = x[j] / 255f;
        }
      }
      int[] targets = new int[active.size()];
      Arrays.fill(targets, target);
      InputGradient.Result r = gradient.gradient(new ImageTensor(data, active.size(), 3, h, w), targets);
      int k = r.numClasses(); // InputGradient has checked that the target is one of them
      float[] g = r.gradient().data();
      List<State> next = new ArrayList<>();
      for (int i = 0; i < active.size(); i++) {
        State s = active.get(i);
        int best = 0;
        float runnerUp = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          float z = r.logits()[i * k + c];
          if (z > r.logits()[i * k + best]) {
            best = c;
          }
          if (c != target) {
            runnerUp = Math.max(runnerUp, z);
          }
        }
        boolean reached = r.logits()[i * k + target] - runnerUp >= settings.margin();
        if (reached || step == settings.maxSteps()) {
          double[] p = Softmax.of(r.logits(), i * k, k);
          s.done = new Adversarial(s.clean, Levels.toImage(s.x, w, h), best, p[target], p[best], s.steps,
              linf(s.x, s.x0));
          continue;
        }
        step(s, g, i * size, size);
        next.add(s);
      }
      active = next;
    }
    return states.stream().map(s -> s.done).toList();
  }

  /** x += alpha * sign(g), then back into [x0 - eps, x0 + eps] and [0, 255]: whole levels throughout. */
  private void step(State s, float[] g, int offset, int size) {
    int eps = settings.epsilon();
    int alpha = settings.step();
    for (int j = 0; j < size; j++) {
      float gj = g[offset + j];
      int v = s.x[j] + (gj > 0 ? alpha : gj < 0 ? -alpha : 0);
      v = Math.max(s.x0[j] - eps, Math.min(s.x0[j] + eps, v));
      s.x[j] = Math.max(0, Math.min(255, v));
    }
    s.steps++;
  }

  private static int linf(int[] x, int[] x0) {
    int max = 0;
    for (int j = 0; j < x.length; j++) {
      max = Math.max(max, Math.abs(x[j] - x0[j]));
    }
    return max;
  }

  @Override
  public void close() throws OrtException {
    gradient.close();
  }
}
