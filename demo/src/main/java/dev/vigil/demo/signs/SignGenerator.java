package dev.vigil.demo.signs;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Synthetic German traffic-sign photographs, 64 x 64 RGB, deterministic by seed.
 *
 * <h2>How an image is made</h2>
 * A scene is drawn at twice the output size with Java2D (antialiased): a background (sky
 * over ground, foliage, façades or smooth noise, plus clutter), sometimes a pole, then the
 * sign face of {@link SignPainter} at a random scale (diameter 56% to 92% of the image, as
 * in GTSRB crops), position, rotation (up to 12 degrees) and horizontal squeeze (seen at an
 * angle), with faded colours. It is box-downsampled to 64 x 64, then lit (exposure,
 * contrast, colour cast, shading ramp), blurred and given sensor noise by {@link Photo}.
 *
 * <h2>Determinism</h2>
 * Every image draws its randomness from its own {@link SplittableRandom} seeded from
 * {@code (generator seed, class, image seed)}, so an image never depends on which images
 * were made before it or on which thread: {@link #dataset(int, long)} renders in parallel
 * and is still the same list byte for byte. Text and digits come from the outline font of
 * {@link Glyphs}, never from a system font, and the camera effects are plain arithmetic, so
 * the only platform dependency left is Java2D's antialiasing rasteriser (the JDK's Marlin
 * renderer); images are identical across machines running the same JDK build.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SignGenerator {
  /** Width and height of every generated image. */
  public static final int SIZE = 64;

  /** Drawing happens at this multiple of {@link #SIZE}; the box downsample antialiases. */
  private static final int SUPERSAMPLE = 2;

  private static final double MAX_ROTATION = Math.toRadians(12);

  /*
   * Ranges of the random appearance. They are as wide as a small CNN trained for a few epochs
   * on a 2-core machine can still master (speed-limit digits must stay legible at the small,
   * blurred end): sign radius as a fraction of the image, blur sigma and noise sigma in
   * output pixels / grey levels.
   */
  private static final double MIN_RADIUS = 0.28;
  private static final double MAX_RADIUS = 0.46;
  private static final double SHARP_SHARE = 0.3;
  private static final double MIN_BLUR = 0.3;
  private static final double MAX_BLUR = 1.0;
  private static final double MAX_NOISE = 8;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final long seed;

  public SignGenerator(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** Class names by model output index; see {@link SignClass}. */
  public List<String> labels() {
    return SignClass.labels();
  }

  /** Number of classes. */
  public int classCount() {
    return SignClass.count();
  }

  /**
   * One photograph-like image of a sign.
   *
   * @param classIndex the class, 0 to {@link #classCount()} - 1
   * @param imageSeed any value; the same (generator seed, class, image seed) gives the same
   *     pixels
   * @throws IllegalArgumentException if the class index is out of range
   */
  public BufferedImage render(int classIndex, long imageSeed) {
    SignClass sign = SignClass.of(classIndex);
    SplittableRandom rng = new SplittableRandom(mix(mix(mix(seed) + imageSeed) + classIndex));
    int canvasSize = SIZE * SUPERSAMPLE;
    BufferedImage canvas = new BufferedImage(canvasSize, canvasSize, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      hints(g);
      Scenery.paint(canvas, g, rng);
      double radius = canvasSize * (MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * rng.nextDouble());
      double slack = canvasSize / 2.0 - radius;
      double cx = canvasSize / 2.0 + slack * 0.7 * (2 * rng.nextDouble() - 1);
      double cy = canvasSize / 2.0 + slack * 0.7 * (2 * rng.nextDouble() - 1);
      double rotation = MAX_ROTATION * (2 * rng.nextDouble() - 1);
      double squeeze = rng.nextDouble() < 0.5 ? 1.0 : 0.8 + 0.2 * rng.nextDouble();
      if (rng.nextDouble() < 0.5) {
        pole(g, cx, cy, radius, canvasSize, rng);
      }
      SignPainter.Palette palette = weathered(rng);
      g.translate(cx, cy);
      g.rotate(rotation);
      g.scale(radius * squeeze, radius);
      SignPainter.paint(g, sign, palette);
    } finally {
      g.dispose();
    }
    float[][] img = Photo.downsample(canvas, SUPERSAMPLE);
    Photo.light(img, SIZE, rng);
    Photo.blur(img, SIZE,
        rng.nextDouble() < SHARP_SHARE ? 0 : MIN_BLUR + (MAX_BLUR - MIN_BLUR) * rng.nextDouble());
    Photo.noise(img, MAX_NOISE * rng.nextDouble(), rng);
    return Photo.toImage(img, SIZE);
  }

  /**
   * The sign alone, centred and upright on a plain mid-grey background, with no camera
   * effects: a reference picture of a class (for contact sheets and documentation). It does
   * not depend on the generator seed.
   */
  public BufferedImage renderTemplate(int classIndex) {
    SignClass sign = SignClass.of(classIndex);
    int canvasSize = SIZE * SUPERSAMPLE;
    BufferedImage canvas = new BufferedImage(canvasSize, canvasSize, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      hints(g);
      g.setColor(new Color(128, 128, 128));
      g.fillRect(0, 0, canvasSize, canvasSize);
      g.translate(canvasSize / 2.0, canvasSize / 2.0);
      g.scale(canvasSize * 0.44, canvasSize * 0.44);
      SignPainter.paint(g, sign, SignPainter.Palette.STANDARD);
    } finally {
      g.dispose();
    }
    return Photo.toImage(Photo.downsample(canvas, SUPERSAMPLE), SIZE);
  }

  /**
   * A class-balanced, shuffled data set of {@code perClass * classCount()} images.
   *
   * <p>Different {@code datasetSeed}s give disjoint image seeds in practice (64-bit mixes),
   * so a training set and a held-out set are two calls with two seeds. Rendering runs in
   * parallel; the result does not depend on the thread count.
   *
   * @throws IllegalArgumentException if {@code perClass} is negative or the total is too big
   */
  public List<SignSample> dataset(int perClass, long datasetSeed) {
    return dataset(perClass, datasetSeed, done -> {});
  }

  /**
   * {@link #dataset(int, long)} that reports progress: {@code onImage} receives the number
   * of images finished so far after each one, from the rendering threads (it must be
   * thread-safe and quick, e.g. a progress bar that redraws every few percent).
   */
  public List<SignSample> dataset(int perClass, long datasetSeed, IntConsumer onImage) {
    Objects.requireNonNull(onImage, "onImage");
    if (perClass < 0) {
      throw new IllegalArgumentException("perClass must be >= 0, got " + perClass);
    }
    long total = (long) perClass * classCount();
    if (total > 1_000_000) {
      throw new IllegalArgumentException(
          "a data set of " + total + " images would not fit in memory: ask for at most "
              + (1_000_000 / classCount()) + " per class and generate in several calls");
    }
    int n = (int) total;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classCount();
    }
    SplittableRandom shuffle = new SplittableRandom(mix(mix(seed) ^ datasetSeed));
    for (int i = n - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    long base = mix(datasetSeed + GOLDEN);
    AtomicInteger done = new AtomicInteger();
    return IntStream.range(0, n)
        .parallel()
        .mapToObj(
            i -> {
              long imageSeed = mix(base + i * GOLDEN);
              SignSample sample = new SignSample(render(labels[i], imageSeed), labels[i], imageSeed);
              onImage.accept(done.incrementAndGet());
              return sample;
            })
        .toList();
  }

  /** {@link #dataset(int, long)} packed as a batch with pixels scaled to [0, 1]. */
  public SignBatch batch(int perClass, long datasetSeed) {
    return SignBatch.of(dataset(perClass, datasetSeed));
  }

  private static void hints(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
  }

  /** A grey metal post behind the sign, down to the bottom edge (sometimes up as well). */
  private static void pole(
      Graphics2D g, double cx, double cy, double radius, int size, SplittableRandom rng) {
    int grey = 90 + rng.nextInt(90);
    g.setColor(new Color(grey, grey, grey + rng.nextInt(15)));
    double width = radius * (0.1 + 0.06 * rng.nextDouble());
    double top = rng.nextDouble() < 0.3 ? 0 : cy;
    g.fill(new Rectangle2D.Double(cx - width / 2, top, width, size - top));
    g.setColor(new Color(grey / 2, grey / 2, grey / 2));
    g.setStroke(new BasicStroke(1f));
    g.draw(new Rectangle2D.Double(cx - width / 2, top, width, size - top));
  }

  /** The standard colours, faded towards grey by sun and dirt by a random amount. */
  private static SignPainter.Palette weathered(SplittableRandom rng) {
    double fade = 0.3 * rng.nextDouble();
    Color dirt = new Color(150 + rng.nextInt(40), 150 + rng.nextInt(40), 140 + rng.nextInt(40));
    SignPainter.Palette p = SignPainter.Palette.STANDARD;
    return new SignPainter.Palette(
        Scenery.mix(p.red(), dirt, fade),
        Scenery.mix(p.blue(), dirt, fade),
        Scenery.mix(p.yellow(), dirt, fade),
        Scenery.mix(p.white(), dirt, fade * 0.7),
        Scenery.mix(p.black(), dirt, fade * 0.5),
        Scenery.mix(p.grey(), dirt, fade * 0.5));
  }

  /** Stafford's variant 13 of the SplitMix64 finaliser: a 64-bit bijective mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
