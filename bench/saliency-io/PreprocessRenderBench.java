import dev.vigil.classes.ClassScore;
import dev.vigil.classes.Labels;
import dev.vigil.config.ChannelOrder;
import dev.vigil.config.ResizeMode;
import dev.vigil.saliency.image.DecodedImage;
import dev.vigil.saliency.image.ImageDecoder;
import dev.vigil.saliency.image.PreparedImage;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import dev.vigil.saliency.render.HeatmapRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * Saliency I/O costs per image: decode, pre-process to 224x224, overlay at original size,
 * panel, PNG encode. Run: java -Djava.awt.headless=true -cp deploy/target/vigil.jar
 * bench/saliency-io/PreprocessRenderBench.java [--smoke] [rounds] [width] [height]
 *
 * <p>Exits 1 when a result has the wrong size (decoded, pre-processed, overlay, PNG read back).
 * {@code --smoke}: 3 rounds at 256x256 (default: 30 rounds at 1024x768).
 */
public class PreprocessRenderBench {
  public static void main(String[] args) throws Exception {
    boolean smoke = args.length > 0 && args[0].equals("--smoke");
    if (smoke) {
      args = Arrays.copyOfRange(args, 1, args.length);
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : smoke ? 3 : 30;
    int w = args.length > 1 ? Integer.parseInt(args[1]) : smoke ? 256 : 1024;
    int h = args.length > 2 ? Integer.parseInt(args[2]) : smoke ? 256 : 768;
    Random rnd = new Random(1);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | rnd.nextInt(64));
      }
    }
    byte[] png = encode(img, "png");
    byte[] jpg = encode(img, "jpg");
    Preprocessor stretch = new Preprocessor(Preprocessing.imagenet(224, 224));
    Preprocessor crop = new Preprocessor(new Preprocessing(224, 224, ResizeMode.SHORTER_SIDE_CENTER_CROP,
        ChannelOrder.RGB, 255, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)));
    DecodedImage decoded = ImageDecoder.decode(png, "bench.png");
    PreparedImage prepared = stretch.prepare(decoded);
    float[] map = new float[224 * 224];
    for (int i = 0; i < map.length; i++) {
      map[i] = rnd.nextFloat();
    }
    HeatmapRenderer r = HeatmapRenderer.defaults();
    BufferedImage overlay = r.overlay(decoded.image(), map, 224, 224, prepared.region());
    List<ClassScore> top = ClassScore.top(new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f}, 5, Labels.none());
    check("decoded PNG", decoded.width() == w && decoded.height() == h, decoded.width() + "x" + decoded.height());
    check("pre-processed tensor", prepared.width() == 224 && prepared.height() == 224 && prepared.channels() == 3,
        prepared.channels() + "x" + prepared.height() + "x" + prepared.width());
    check("overlay", overlay.getWidth() == w && overlay.getHeight() == h, overlay.getWidth() + "x" + overlay.getHeight());
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(encode(overlay, "png")));
    check("overlay PNG read back", back != null && back.getWidth() == w && back.getHeight() == h,
        back == null ? "unreadable" : back.getWidth() + "x" + back.getHeight());
    System.out.printf("image %dx%d, %d rounds, median (min) ms per image%n", w, h, rounds);
    time("decode PNG", rounds, () -> ImageDecoder.decode(png, "b.png"));
    time("decode JPEG", rounds, () -> ImageDecoder.decode(jpg, "b.jpg"));
    time("pre-process stretch -> 224", rounds, () -> stretch.prepare(decoded));
    time("pre-process shorter-side crop -> 224", rounds, () -> crop.prepare(decoded));
    time("overlay at original size", rounds, () -> r.overlay(decoded.image(), map, 224, 224, prepared.region()));
    time("panel", rounds, () -> r.panel(decoded.image(), overlay, top, "bench"));
    time("PNG encode overlay", rounds, () -> encode(overlay, "png"));
  }

  static void check(String what, boolean ok, String got) {
    if (!ok) {
      System.err.println("FAILED: " + what + " is " + got);
      System.exit(1);
    }
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, format, out);
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void time(String name, int rounds, Supplier<Object> work) {
    for (int i = 0; i < 3; i++) {
      work.get(); // warm-up
    }
    double[] ms = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      work.get();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf("%-40s %8.2f (%.2f)%n", name, ms[rounds / 2], ms[0]);
  }
}
