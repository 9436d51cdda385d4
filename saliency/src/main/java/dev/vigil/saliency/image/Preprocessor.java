package dev.vigil.saliency.image;

import dev.vigil.config.ChannelOrder;
import dev.vigil.saliency.ImageTensor;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Turns decoded images into the model's NCHW float32 input, per {@link Preprocessing}.
 *
 * <p>Order of operations (torchvision's): geometry (resize/crop, bilinear with antialiasing, see
 * {@link Resampler}) on the 0..255 values, then channel order, then {@code (v / scale - mean) /
 * std}. Stateless and thread-safe.
 */
public final class Preprocessor {
  private final Preprocessing settings;

  public Preprocessor(Preprocessing settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Preprocessing settings() {
    return settings;
  }

  /** Pre-processes one image. */
  public PreparedImage prepare(DecodedImage image) {
    int w0 = image.width();
    int h0 = image.height();
    int dw = settings.width();
    int dh = settings.height();
    float[] rgb = planes(image.image());
    float[] geometry;
    Region region;
    switch (settings.resize()) {
      case STRETCH:
        geometry = Resampler.resample(rgb, 3, w0, h0, 0, 0, w0, h0, dw, dh);
        region = Region.whole(w0, h0);
        break;
      case SHORTER_SIDE_CENTER_CROP:
        {
          // torchvision Resize(size) keeps the aspect; here the size is whatever covers dw x dh.
          double s = Math.max((double) dw / w0, (double) dh / h0);
          int rw = Math.max(dw, (int) Math.round(w0 * s));
          int rh = Math.max(dh, (int) Math.round(h0 * s));
          int left = (int) Math.rint((rw - dw) / 2.0); // Python round(): half to even
          int top = (int) Math.rint((rh - dh) / 2.0);
          double fx = (double) w0 / rw;
          double fy = (double) h0 / rh;
          // Resampling the crop's box of the original equals resize-then-crop exactly.
          region = new Region(left * fx, top * fy, dw * fx, dh * fy);
          geometry =
              Resampler.resample(
                  rgb, 3, w0, h0, left * fx, top * fy, (left + dw) * fx, (top + dh) * fy, dw, dh);
          break;
        }
      case CENTER_CROP:
        {
          int left = cropOffset(w0, dw);
          int top = cropOffset(h0, dh);
          geometry = crop(rgb, w0, h0, left, top, dw, dh);
          region = new Region(left, top, dw, dh);
          break;
        }
      default:
        throw new IllegalStateException("unhandled resize mode " + settings.resize());
    }
    return new PreparedImage(image, normalise(geometry, dw * dh), 3, dh, dw, region);
  }

  /** Pre-processes images into one batch. */
  public ImageTensor batch(List<DecodedImage> images) {
    return stack(images.stream().map(this::prepare).toList());
  }

  /**
   * Stacks prepared images into one NCHW tensor.
   *
   * @throws IllegalArgumentException if the list is empty or the shapes differ
   */
  public static ImageTensor stack(List<PreparedImage> prepared) {
    if (prepared.isEmpty()) {
      throw new IllegalArgumentException("no images to stack");
    }
    PreparedImage first = prepared.get(0);
    int per = first.chw().length;
    float[] data = new float[per * prepared.size()];
    for (int i = 0; i < prepared.size(); i++) {
      PreparedImage p = prepared.get(i);
      if (p.channels() != first.channels()
          || p.height() != first.height()
          || p.width() != first.width()) {
        throw new IllegalArgumentException(
            "image " + p.original().name() + " has a different tensor shape than the batch");
      }
      System.arraycopy(p.chw(), 0, data, i * per, per);
    }
    return new ImageTensor(data, prepared.size(), first.channels(), first.height(), first.width());
  }

  /** torchvision CenterCrop offset: {@code round((in - out) / 2)}, negative when it pads. */
  static int cropOffset(int in, int out) {
    return (int) Math.rint((in - out) / 2.0);
  }

  private float[] normalise(float[] rgbPlanes, int hw) {
    float[] out = new float[3 * hw];
    boolean bgr = settings.channelOrder() == ChannelOrder.BGR;
    for (int c = 0; c < 3; c++) {
      int srcPlane = (bgr ? 2 - c : c) * hw;
      double scale = settings.scale();
      double mean = settings.meanOf(c);
      double std = settings.stdOf(c);
      for (int i = 0; i < hw; i++) {
        out[c * hw + i] = (float) ((rgbPlanes[srcPlane + i] / scale - mean) / std);
      }
    }
    return out;
  }

  /** RGB planes of 0..255 values. */
  static float[] planes(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int hw = w * h;
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[3 * hw];
    for (int i = 0; i < hw; i++) {
      int p = argb[i];
      out[i] = (p >> 16) & 0xFF;
      out[hw + i] = (p >> 8) & 0xFF;
      out[2 * hw + i] = p & 0xFF;
    }
    return out;
  }

  /** Native-resolution crop; pixels outside the source are 0 (torchvision pads with fill 0). */
  private static float[] crop(float[] src, int sw, int sh, int left, int top, int dw, int dh) {
    float[] out = new float[3 * dw * dh];
    for (int p = 0; p < 3; p++) {
      for (int y = 0; y < dh; y++) {
        int sy = top + y;
        if (sy < 0 || sy >= sh) {
          continue;
        }
        for (int x = 0; x < dw; x++) {
          int sx = left + x;
          if (sx >= 0 && sx < sw) {
            out[p * dw * dh + y * dw + x] = src[p * sw * sh + sy * sw + sx];
          }
        }
      }
    }
    return out;
  }
}
